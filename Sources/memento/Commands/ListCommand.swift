import ArgumentParser
import MementoCore
import SkillStore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List installed skills and their active versions.",
        discussion: """
            EXAMPLES
              memento list
              memento list --json | jq '.[].name'
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Print a JSON array, one object per skill.")
    var json = false

    func run() throws {
        let skills = try homeOptions.readableStore()?.list() ?? []
        if json {
            Terminal.printJSON(.array(skills.map(\.json)))
            return
        }
        guard !skills.isEmpty else {
            print("no skills installed; try `memento install PATH`")
            return
        }
        let nameWidth = max(4, skills.map(\.name.count).max() ?? 0)
        let versionWidth = max(7, skills.map(\.version.count).max() ?? 0)
        print("NAME".padding(nameWidth) + "  " + "VERSION".padding(versionWidth) + "  KIND          DESCRIPTION")
        for skill in skills {
            let summary = skill.description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            print(skill.name.padding(nameWidth) + "  " + skill.version.padding(versionWidth) + "  "
                  + skill.kind.padding(12) + "  " + String(summary.prefix(60)))
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
