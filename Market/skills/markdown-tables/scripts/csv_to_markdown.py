"""Print a CSV or TSV file as a GitHub-flavoured Markdown table."""
import argparse
import csv
import sys


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--tsv", action="store_true", help="tab-separated input")
    parser.add_argument("--max-rows", type=int, default=50)
    args = parser.parse_args()
    with open(args.file, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t" if args.tsv else ","))
    if not rows:
        sys.exit("the file has no rows")
    header, body = rows[0], rows[1:]
    shown = body[: args.max_rows]
    width = len(header)
    numeric = [all(is_number(row[i]) for row in shown if i < len(row) and row[i]) for i in range(width)]
    cell = lambda text: text.replace("|", "\\|")
    print("| " + " | ".join(cell(name) for name in header) + " |")
    print("| " + " | ".join("---:" if numeric[i] else "---" for i in range(width)) + " |")
    for row in shown:
        padded = row + [""] * (width - len(row))
        print("| " + " | ".join(cell(value) for value in padded[:width]) + " |")
    if len(body) > len(shown):
        print(f"\n{len(body) - len(shown)} more rows not shown.")


if __name__ == "__main__":
    main()
