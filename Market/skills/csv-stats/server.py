"""csv-stats: column statistics of a CSV file, as an MCP server (Python mcp SDK)."""

import csv
import io
import math
import statistics

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer(name="csv-stats", version="1.0.0")


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@server.tool()
def summarize(csv_text: str, delimiter: str = ",") -> dict:
    """Per-column statistics of CSV text with a header row: count, missing, and for numeric
    columns min, max, mean, median and standard deviation; for text columns the most common
    values."""
    if len(delimiter) != 1:
        raise ToolError("delimiter must be one character")
    reader = csv.DictReader(io.StringIO(csv_text), delimiter=delimiter)
    if not reader.fieldnames:
        raise ToolError("the CSV has no header row")
    rows = list(reader)
    columns = {}
    for name in reader.fieldnames:
        values = [row.get(name) or "" for row in rows]
        present = [value for value in values if value.strip() != ""]
        numbers = [number for number in (_number(value) for value in present) if number is not None]
        column = {"count": len(present), "missing": len(values) - len(present)}
        if present and len(numbers) == len(present):
            column.update(type="number", min=min(numbers), max=max(numbers), mean=statistics.fmean(numbers),
                          median=statistics.median(numbers), stdev=statistics.pstdev(numbers))
        else:
            counts = {}
            for value in present:
                counts[value] = counts.get(value, 0) + 1
            top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
            column.update(type="text", distinct=len(counts), top=[{"value": value, "count": count} for value, count in top])
        columns[name] = column
    return {"rows": len(rows), "columns": columns}


if __name__ == "__main__":
    server.run()
