import ArgumentParser
import Foundation

/// The `civgate` command: the gateway server, its operator commands and the mock national systems.
@main
struct Civgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civgate",
        abstract: "Carries approved civil-status records to Vietnam's national systems, reliably.",
        discussion: """
            Exit codes: 0 success; 1 runtime failure (store, network); 64 usage error (bad option or \
            filter, nothing confirmed); 65 invalid input record; 66 unknown id; 78 configuration error; \
            130 interrupted.
            """,
        subcommands: [
            ServeCommand.self, StatusCommand.self, DeliveriesCommand.self, ReplayCommand.self, ResolveCommand.self,
            DiscardCommand.self, AuditCommand.self, MapCommand.self, MockCommand.self, BackfillCommand.self,
            BenchCommand.self,
        ])

    /// Parses and runs the command; argument errors are one line on stderr with exit code 64, like every
    /// other error (help and version go to stdout with exit code 0).
    static func main() async {
        MallocSettings.apply()
        // Past a file-size limit (`ulimit -f`), a write fails with EFBIG and is reported like a full disk,
        // instead of the signal ending the process.
        signal(SIGXFSZ, SIG_IGN)
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            Foundation.exit(report(error))
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                var synchronous = command
                try synchronous.run()
            }
        } catch {
            Foundation.exit(report(error))
        }
        Foundation.exit(0)
    }

    private static func report(_ error: any Error) -> Int32 {
        let code = exitCode(for: error)
        if code == .success {
            Output.line(fullMessage(for: error))
            return 0
        }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? ""
        if !message.isEmpty {
            let hint = code == .validationFailure ? " (see --help)" : ""
            Output.error(message.replacingOccurrences(of: "Error: ", with: "") + hint)
        }
        return code == .validationFailure ? 64 : code.rawValue
    }
}
