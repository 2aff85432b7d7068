import ArgumentParser

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
            DiscardCommand.self, AuditCommand.self, MapCommand.self, MockCommand.self, BackfillCommand.self, BenchCommand.self,
        ])
}
