import ArgumentParser
import CivgateEngine
import Foundation

/// Where the operator commands find the store: the same configuration (and `--data-dir`) as `serve`.
/// They work whether `civgate serve` runs or not: SQLite in WAL mode takes readers and writers from
/// several processes.
struct StoreOptions: ParsableArguments {
    @Option(help: "Configuration file (YAML).")
    var config = "config/civgate.yaml"

    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite store; overrides store.dataDir.")
    var dataDir: String?

    /// Opens the store; `preallocateLog` for a command that writes a lot (see `SQLiteStore.init`).
    func openStore(preallocateLog: Bool = false) throws -> SQLiteStore {
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(path: config)
        } catch let error as ConfigurationError {
            throw CommandFailure.configuration(error.description)
        }
        let directory = dataDir ?? configuration.store.dataDir
        guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("civgate.sqlite"))
        else {
            throw CommandFailure.usage("no store in \(directory): run civgate serve first or pass --data-dir")
        }
        do {
            return try SQLiteStore(
                directory: directory, busyTimeout: configuration.store.busyTimeout.duration,
                preallocateLog: preallocateLog)
        } catch let error as StoreUnavailable {
            throw CommandFailure.runtime(error.description)
        }
    }
}

/// Who does an operator action, and why: both are recorded in the audit log.
struct ActorOptions: ParsableArguments {
    @Option(help: "Why (recorded in the audit log).")
    var reason: String

    @Option(help: "Who is acting (default: $CIVGATE_ACTOR, else $USER).")
    var actor: String?

    var resolvedActor: String {
        actor ?? ProcessInfo.processInfo.environment["CIVGATE_ACTOR"] ?? ProcessInfo.processInfo.environment["USER"]
            ?? "operator"
    }

    func validate() throws {
        guard reason.trimmingCharacters(in: .whitespaces).count >= 3 else {
            throw ValidationError("--reason must say why, in at least 3 characters")
        }
    }
}

/// Runs an operator command body, turning failures into one line on stderr and an exit code.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as CommandFailure {
        Output.error(failure.description)
        throw ExitCode(failure.exitCode)
    } catch let error as StoreUnavailable {
        Output.error(error.description)
        throw ExitCode(1)
    } catch let error as OperatorError {
        Output.error(error.description)
        throw ExitCode(64)
    }
}
