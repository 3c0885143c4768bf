// The floor of the in-process native call row of `make bench`: the same JSON work as the
// bench-echo skill (decode EchoInput, run the tool, encode EchoOutput with sorted keys, through
// one JSONDecoder and one JSONEncoder kept for every call, as SkillKit does), called directly
// in a loop and timed call by call like `memento call --repeat`.
//
//   floor JSON COUNT   prints "p50 p99 mean" in µs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

@main
enum JSONFloor {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func call(_ payload: Data) throws -> Data {
        try encoder.encode(echoTool(try decoder.decode(EchoInput.self, from: payload)))
    }

    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let count = Int(arguments[2]), count > 0 else {
            fail("usage: floor JSON COUNT (a positive number of timed calls)")
        }
        do {
            try measure(Data(arguments[1].utf8), count)
        } catch {
            fail("the payload does not decode as EchoInput: \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        fputs(message + "\n", stderr)
        exit(2)
    }

    static func measure(_ payload: Data, _ count: Int) throws {
        var bytes = try call(payload).count  // the first call pays for warm-up, as memento's does
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let started = clock.now
            bytes &+= try call(payload).count
            samples.append(clock.now - started)
        }
        samples.sort()
        func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        let mean = micros(samples.reduce(Duration.zero, +)) / Double(count)
        // Using the byte count keeps the optimiser from dropping the work.
        guard bytes > 0 else { fail("the tool encoded nothing") }
        print(micros(samples[count / 2]), micros(samples[count * 99 / 100]), mean)
    }
}
