import Foundation
import GRDB
import Testing

/// The operator CLI as an operator uses it at night, on the real binary, a real store and real mocks:
/// a destination fails for a while and fills the dead-letter store; the operator finds the failures
/// with filters, inspects one, dry-runs a replay, replays them all, and every record ends delivered
/// once, the successful steps untouched and every action audited.
@Suite("operator CLI")
struct OperatorCLITests {
    // MARK: - The whole night

    @Test(
        "a destination's dead letters: find with filters, inspect masked, dry-run, replay all; each record delivered once, audited; works with serve stopped"
    )
    func deadLettersRoundTrip() async throws {
        let stage = try await OperatorCLIStage.start(insurance: true, label: "night")
        do {
            try await night(stage)
        } catch {
            await stage.stopAll()
            throw error
        }
        await stage.stopAll()
    }

    private func night(_ stage: OperatorCLIStage) async throws {
        // The insurance destination is down; ~30 births arrive. assign-pin succeeds, the card dies.
        let births = try await stage.postBirths(count: 50, seed: 11)
        try #require(births.count >= 20, "the generator gave \(births.count) births")
        let n = births.count
        try await stage.waitUntilSettled(timeout: .seconds(30))
        let populationIDs = Set(births.compactMap { $0.deliveries["population"] })
        let insuranceIDs = Set(births.compactMap { $0.deliveries["insurance"] })
        try #require(populationIDs.count == n && insuranceIDs.count == n)
        #expect(
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE destination = 'population' AND state = 'succeeded'")
                == n)
        #expect(
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE destination = 'insurance' AND state = 'dead'") == n)
        let errorCode = "http-503"

        // status: counts per destination and lane.
        let status = try await stage.cli(["status", "--json"])
        #expect(status.status == 0, "\(status)")
        let lanes = status.jsonObject["lanes"] as? [[String: Any]] ?? []
        func lane(_ destination: String) -> [String: Any]? {
            lanes.first { $0["destination"] as? String == destination && $0["lane"] as? String == "live" }
        }
        #expect((lane("insurance")?["counts"] as? [String: Int])?["dead"] == n, "\(status)")
        #expect((lane("population")?["counts"] as? [String: Int])?["succeeded"] == n, "\(status)")
        let statusText = try await stage.cli(["status"])
        #expect(statusText.status == 0)
        #expect(
            statusText.stdout.contains("DESTINATION") && statusText.stdout.contains("LANE")
                && statusText.stdout.contains("DEAD"))
        let insuranceRow =
            statusText.stdout.split(separator: "\n").first { $0.hasPrefix("insurance") }.map(String.init) ?? ""
        #expect(insuranceRow.split(separator: " ").contains(Substring(String(n))), "\(statusText)")

        // Filters find exactly the dead ones.
        func ids(_ result: OperatorCLIResult) -> [String] { result.jsonArray.compactMap { $0["id"] as? String } }
        let dead = try await stage.cli([
            "deliveries", "list", "--state", "dead", "--destination", "insurance", "--limit", "1000", "--json",
        ])
        #expect(dead.status == 0, "\(dead)")
        #expect(Set(ids(dead)) == insuranceIDs)
        #expect(ids(dead).count == n)
        #expect(
            dead.jsonArray.allSatisfy {
                $0["lastErrorCode"] as? String == errorCode && $0["state"] as? String == "dead"
            })
        let noDeadPopulation = try await stage.cli([
            "deliveries", "list", "--state", "dead", "--destination", "population", "--json",
        ])
        #expect(noDeadPopulation.status == 0 && ids(noDeadPopulation).isEmpty, "\(noDeadPopulation)")
        let byError = try await stage.cli(["deliveries", "list", "--error", errorCode, "--limit", "1000", "--json"])
        #expect(Set(ids(byError)) == insuranceIDs, "\(byError)")
        let otherError = try await stage.cli(["deliveries", "list", "--error", "http-500", "--json"])
        #expect(otherError.status == 0 && ids(otherError).isEmpty)
        let byEvent = try await stage.cli([
            "deliveries", "list", "--event", "birth", "--state", "dead", "--limit", "1000", "--json",
        ])
        #expect(Set(ids(byEvent)) == insuranceIDs)
        let otherEvent = try await stage.cli(["deliveries", "list", "--event", "death", "--json"])
        #expect(otherEvent.status == 0 && ids(otherEvent).isEmpty)
        let sample = births[0]
        let byRecord = try await stage.cli(["deliveries", "list", "--record", sample.recordID, "--json"])
        #expect(Set(ids(byRecord)) == Set(sample.deliveries.values), "\(byRecord)")
        let byRecordDead = try await stage.cli([
            "deliveries", "list", "--record", sample.recordID, "--state", "dead", "--json",
        ])
        #expect(ids(byRecordDead) == [sample.deliveries["insurance"]!])
        let combined = try await stage.cli([
            "deliveries", "list", "--state", "dead,succeeded", "--destination", "insurance", "--limit", "1000",
            "--json",
        ])
        #expect(Set(ids(combined)) == insuranceIDs)
        // Paging: the text listing says how to get the next page, and the pages add up.
        let firstPage = try await stage.cli(["deliveries", "list", "--state", "dead", "--limit", "10"])
        #expect(firstPage.status == 0)
        #expect(firstPage.stdout.contains("10 of \(n) shown; next page: --after '"), "\(firstPage)")
        var paged: [String] = []
        var after: String?
        for _ in 0..<10 {
            let page = try await stage.cli(
                ["deliveries", "list", "--state", "dead", "--limit", "10", "--json"]
                    + (after.map { ["--after", $0] } ?? []))
            paged += ids(page)
            guard page.jsonArray.count == 10, let cursor = page.jsonArray.last?["cursor"] as? String else { break }
            after = cursor
        }
        #expect(paged.count == n && Set(paged) == insuranceIDs)

        // Bad filters and unknown ids: one line on stderr, documented exit codes, nothing printed.
        for (arguments, prefix) in [
            (["deliveries", "list", "--state", "deadd"], "civgate: --state deadd: not a state"),
            (["deliveries", "list", "--lane", "night"], "civgate: --lane night"),
            (["deliveries", "list", "--since", "yesterday"], "civgate: --since yesterday"),
            (["deliveries", "list", "--limit", "0"], "civgate: --limit"),
            (["replay", "--state", "deadd", "--reason", "outage 22/11", "--dry-run"], "civgate: --state deadd"),
            (["replay", "--state", "succeeded", "--reason", "outage 22/11", "--yes"], "civgate: --state succeeded"),
        ] {
            let bad = try await stage.cli(arguments)
            #expect(bad.status == 64, "\(bad)")
            #expect(bad.error.hasPrefix(prefix) && !bad.error.contains("\n"), "\(bad)")
            #expect(bad.stdout.isEmpty, "\(bad)")
        }
        for arguments in [
            ["deliveries", "show", "dlv_00000000000000000000000000"],
            ["replay", "dlv_00000000000000000000000000", "--reason", "outage 22/11", "--yes"],
            ["resolve", "dlv_00000000000000000000000000", "--confirm-multiple-birth", "--reason", "twins, checked"],
            ["discard", "dlv_00000000000000000000000000", "--reason", "cancelled by the commune", "--yes"],
            ["deliveries", "show", "dlv_00000000000000000000000000", "--reveal", "--reason", "ticket 4711"],
        ] {
            let unknown = try await stage.cli(arguments)
            #expect(unknown.status == 66, "\(unknown)")
            #expect(unknown.error == "civgate: no delivery dlv_00000000000000000000000000", "\(unknown)")
        }

        // Inspect one: attempts, the last error, the last message; personal data masked.
        let deadID = ids(dead)[0]
        let inspected = try #require(births.first { $0.deliveries["insurance"] == deadID })
        let assignedPIN = try #require(
            try stage.text(
                "SELECT json_extract(result, '$.pin') FROM deliveries WHERE id = ?",
                [inspected.deliveries["population"]!]))
        let shown = try await stage.cli(["deliveries", "show", deadID])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("delivery   \(deadID)  insurance/issue-child-card  DEAD"), "\(shown)")
        #expect(shown.stdout.contains("attempts") && shown.stdout.contains("last error    \(errorCode)"), "\(shown)")
        let attemptRows = shown.stdout.split(separator: "\n").filter { $0.hasPrefix("  1  ") || $0.hasPrefix("  2  ") }
        #expect(attemptRows.count == 2, "two attempts listed:\n\(shown.stdout)")
        #expect(shown.stdout.contains("last message sent (personal data masked; --reveal to show)"))
        #expect(shown.stdout.contains("population/assign-pin  succeeded"))
        #expect(!shown.stdout.contains(inspected.childName), "the child's full name is masked")
        #expect(shown.stdout.contains(operatorCLIMaskedName(inspected.childName)), "\(shown)")
        #expect(!shown.stdout.contains(assignedPIN), "the assigned PIN is masked")
        #expect(shown.stdout.contains(operatorCLIMaskedPIN(assignedPIN)))
        if let mother = inspected.motherPIN {
            #expect(!shown.stdout.contains(mother), "the mother's PIN is masked")
        }

        // --reveal: refused without a reason (and not audited); with one, in full and audited.
        let noReason = try await stage.cli(["deliveries", "show", deadID, "--reveal"])
        #expect(noReason.status == 64, "\(noReason)")
        #expect(noReason.error == "civgate: --reveal needs --reason (recorded in the audit log)")
        #expect(!noReason.stdout.contains(inspected.childName))
        let revealed = try await stage.cli(
            ["deliveries", "show", deadID, "--reveal", "--reason", "ticket 4711: check the child's name"],
            environment: ["CIVGATE_ACTOR": "night-nguyen"])
        #expect(revealed.status == 0, "\(revealed)")
        #expect(revealed.stdout.contains(inspected.childName))
        #expect(revealed.stdout.contains(assignedPIN))
        let auditAfterReveal = try await stage.cli(["audit", "list", "--json"])
        #expect(auditAfterReveal.status == 0)
        let reveals = auditAfterReveal.jsonArray.filter { $0["action"] as? String == "reveal" }
        #expect(reveals.count == 1, "\(auditAfterReveal)")
        #expect(reveals.first?["target"] as? String == deadID)
        #expect(reveals.first?["actor"] as? String == "night-nguyen")
        #expect(reveals.first?["reason"] as? String == "ticket 4711: check the child's name")

        // Dry run: says what would be replayed, shows a message (masked), changes nothing.
        let populationBefore = try await stage.cli([
            "deliveries", "list", "--destination", "population", "--limit", "1000", "--json",
        ])
        let populationRequestsBefore =
            try await OperatorCLIStage.json(stage.populationURL + "/_mock/requests") as? [Any] ?? []
        #expect(populationRequestsBefore.count == n, "assign-pin called once per record")
        let dryRun = try await stage.cli(
            [
                "replay", "--state", "dead", "--destination", "insurance", "--dry-run", "--reason",
                "BHXH back after outage",
            ])
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(
            dryRun.stdout.contains("would replay \(n) deliveries in registration order with their outbound keys"),
            "\(dryRun)")
        let listedInDryRun = insuranceIDs.filter { dryRun.stdout.contains($0) }
        #expect(listedInDryRun.count == min(n, 20), "the first 20 are listed")
        if n > 20 { #expect(dryRun.stdout.contains("… and \(n - 20) more")) }
        #expect(dryRun.stdout.contains("(personal data masked):"))
        #expect(births.allSatisfy { !dryRun.stdout.contains($0.childName) }, "no child's name in the dry run")
        #expect(
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE destination = 'insurance' AND state = 'dead'") == n)
        let auditAfterDryRun = try await stage.cli(["audit", "list", "--json"])
        #expect(
            !auditAfterDryRun.jsonArray.contains { $0["action"] as? String == "replay" }, "a dry run is not an action")

        // Without --yes and no terminal: refused, nothing changed.
        let unconfirmed = try await stage.cli(
            ["replay", "--state", "dead", "--destination", "insurance", "--reason", "BHXH back after outage"])
        #expect(unconfirmed.status == 64, "\(unconfirmed)")
        #expect(
            unconfirmed.error
                == "civgate: \(n) deliveries would change: add --yes to confirm (or --dry-run to look first)")
        #expect(
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE destination = 'insurance' AND state = 'dead'") == n)

        // The destination is back; replay them all while serve runs.
        try await stage.endInsuranceOutage()
        let replay = try await stage.cli(
            [
                "replay", "--state", "dead", "--destination", "insurance", "--reason", "BHXH back after outage",
                "--yes",
                "--actor", "ops-tran",
            ])
        #expect(replay.status == 0, "\(replay)")
        #expect(
            replay.stdout.contains("replayed \(n) deliveries; a running server sends them within a second"), "\(replay)"
        )
        let replayedAt = ContinuousClock.now
        // The running server picks them up within a second (its poll interval is 250 ms; nothing wakes it).
        try await waitUntil(timeout: .seconds(1), "the server to pick up a replayed delivery within a second") {
            try stage.count(
                "SELECT COUNT(*) FROM deliveries WHERE destination = 'insurance' AND state NOT IN ('pending', 'waiting')"
            ) > 0
        }
        try await waitUntil(timeout: .seconds(15), "every card delivered") {
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE destination = 'insurance' AND state = 'succeeded'")
                == n
        }
        let allDelivered = ContinuousClock.now - replayedAt
        #expect(allDelivered < .seconds(5), "all \(n) replayed deliveries succeeded after \(allDelivered)")

        // Every record delivered, once: each card key processed exactly once; population never called again.
        for birth in births {
            let record = try await TestHTTP.get(stage.serverURL + "/v1/records/\(birth.recordID)")
            #expect(record.json["state"] as? String == "succeeded", "\(birth.recordID): \(record.text)")
        }
        let insuranceEffects =
            try await OperatorCLIStage.json(stage.insuranceURL! + "/_mock/effects") as? [String: Int] ?? [:]
        #expect(insuranceEffects.count == n, "\(insuranceEffects)")
        #expect(insuranceEffects.values.allSatisfy { $0 == 1 }, "\(insuranceEffects)")
        let populationRequestsAfter =
            try await OperatorCLIStage.json(stage.populationURL + "/_mock/requests") as? [Any] ?? []
        #expect(
            populationRequestsAfter.count == populationRequestsBefore.count,
            "replay never calls a destination that succeeded")
        let populationEffects =
            try await OperatorCLIStage.json(stage.populationURL + "/_mock/effects") as? [String: Int] ?? [:]
        #expect(populationEffects.count == n && populationEffects.values.allSatisfy { $0 == 1 }, "\(populationEffects)")
        let populationAfter = try await stage.cli([
            "deliveries", "list", "--destination", "population", "--limit", "1000", "--json",
        ])
        #expect(populationAfter.stdout == populationBefore.stdout, "the succeeded assign-pin steps are untouched")

        // Every action audited: one replay entry per delivery, with who and why, and the same outbound key.
        let audit = try await stage.cli(["audit", "list", "--limit", "1000", "--json"])
        let replays = audit.jsonArray.filter { $0["action"] as? String == "replay" }
        #expect(replays.count == n, "\(audit)")
        #expect(Set(replays.compactMap { $0["target"] as? String }) == insuranceIDs)
        #expect(
            replays.allSatisfy {
                $0["actor"] as? String == "ops-tran" && $0["reason"] as? String == "BHXH back after outage"
            })
        let replayedKeys = Set(replays.compactMap { ($0["details"] as? [String: String])?["outboundKey"] })
        #expect(replayedKeys == Set(insuranceEffects.keys), "replayed with the keys the destination then processed")
        #expect(replays.allSatisfy { ($0["details"] as? [String: String])?["from"] == "dead" })
        let auditText = try await stage.cli(["audit", "list"])
        #expect(auditText.stdout.contains("ops-tran") && auditText.stdout.contains("BHXH back after outage"))

        // Nothing left to replay; the same command again is a harmless no-op.
        let again = try await stage.cli(
            ["replay", "--state", "dead", "--destination", "insurance", "--reason", "BHXH back after outage", "--yes"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing to replay"), "\(again)")

        // serve stops; the operator commands still work on the store.
        #expect(try await stage.stopServer() == 0)
        let stoppedStatus = try await stage.cli(["status", "--json"])
        #expect(stoppedStatus.status == 0, "\(stoppedStatus)")
        let stoppedLanes = stoppedStatus.jsonObject["lanes"] as? [[String: Any]] ?? []
        let stoppedInsurance = stoppedLanes.first { $0["destination"] as? String == "insurance" }
        #expect((stoppedInsurance?["counts"] as? [String: Int]) == ["succeeded": n], "\(stoppedStatus)")
        let stoppedList = try await stage.cli([
            "deliveries", "list", "--state", "succeeded", "--limit", "1000", "--json",
        ])
        #expect(stoppedList.status == 0 && ids(stoppedList).count == 2 * n, "\(stoppedList)")
        let stoppedShow = try await stage.cli(["deliveries", "show", deadID])
        #expect(stoppedShow.status == 0 && stoppedShow.stdout.contains("SUCCEEDED"), "\(stoppedShow)")
        #expect(
            stoppedShow.stdout.contains("replayed by ops-tran: BHXH back after outage"),
            "the transition names who and why")
        #expect(!stoppedShow.stdout.contains(inspected.childName))
        let stoppedReveal = try await stage.cli(
            ["deliveries", "show", deadID, "--reveal", "--reason", "ticket 4712", "--actor", "day-le"])
        #expect(stoppedReveal.status == 0 && stoppedReveal.stdout.contains(inspected.childName), "\(stoppedReveal)")
        let stoppedAudit = try await stage.cli(["audit", "list", "--json", "--since", "1h"])
        #expect(stoppedAudit.status == 0)
        #expect(
            stoppedAudit.jsonArray.first?["actor"] as? String == "day-le", "newest first, written with serve stopped")

        // Wrong-state operator actions are refused clearly.
        let resolveSucceeded = try await stage.cli(
            ["resolve", deadID, "--confirm-multiple-birth", "--reason", "twins, checked with the commune"])
        #expect(resolveSucceeded.status == 64, "\(resolveSucceeded)")
        #expect(resolveSucceeded.error == "civgate: \(deadID) is succeeded, not under review: nothing to resolve")
        let resolveNoDecision = try await stage.cli(["resolve", deadID, "--reason", "twins, checked with the commune"])
        #expect(resolveNoDecision.status == 64)
        #expect(resolveNoDecision.error == "civgate: say the decision: --confirm-multiple-birth")
        let discardSucceeded = try await stage.cli(["discard", deadID, "--reason", "cancelled by the commune", "--yes"])
        #expect(
            (discardSucceeded.stdout + discardSucceeded.stderr).contains("cannot be discarded"), "\(discardSucceeded)")
        #expect(
            try stage.count("SELECT COUNT(*) FROM deliveries WHERE state = 'succeeded'") == 2 * n, "nothing discarded")
        let finalAudit = try await stage.cli(["audit", "list", "--limit", "1000", "--json"])
        #expect(
            !finalAudit.jsonArray.contains { ["discard", "resolve"].contains($0["action"] as? String ?? "") },
            "refusals are not audited as actions")
    }

    // MARK: - Help and set-up errors

    static let commands: [[String]] = [
        ["status"], ["deliveries", "list"], ["deliveries", "show"], ["replay"], ["resolve"], ["discard"],
        ["audit", "list"],
        ["map"], ["serve"], ["mock", "population"], ["mock", "insurance"],
    ]

    @Test("every command's --help has examples", arguments: commands)
    func helpHasExamples(_ command: [String]) async throws {
        let help = try await OperatorCLI.run(command + ["--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("Example"), "\(help)")
        #expect(help.stdout.contains("USAGE: civgate \(command.joined(separator: " "))"))
    }

    @Test("the top-level --help documents the exit codes")
    func topLevelHelp() async throws {
        let help = try await OperatorCLI.run(["--help"])
        #expect(help.status == 0)
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ")
        for code in [
            "0 success", "1 runtime failure", "64 usage error", "65 invalid input record", "66 unknown id",
            "78 configuration error", "130 interrupted",
        ] {
            #expect(text.contains(code), "\(code) in:\n\(help.stdout)")
        }
    }

    @Test(
        "regression: every example in --help survives an 80-column terminal: no example command is cut mid-argument",
        arguments: commands)
    func helpExamplesAreWhole(_ command: [String]) async throws {
        let help = try await OperatorCLI.run(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(help.status == 0)
        let examples = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("  civgate ") }
        #expect(!examples.isEmpty)
        for line in examples {
            let doubles = line.filter { $0 == "\"" }.count
            let singles = line.filter { $0 == "'" }.count
            #expect(doubles % 2 == 0 && singles % 2 == 0, "an example cut in two (copy-paste fails): '\(line)'")
        }
    }

    @Test(
        "regression: argument errors are one line on stderr like every other error (README: errors are one line on stderr)"
    )
    func argumentErrorsAreOneLine() async throws {
        for arguments in [
            ["replay", "--state", "dead", "--destination", "insurance", "--yes"],  // --reason missing
            ["replay", "--state", "dead", "--reason", "x", "--yes"],  // a reason too short to say why
            ["deliveries", "list", "--limit", "many"],  // not a number
            ["deliveries", "show"],  // no id
        ] {
            let result = try await OperatorCLI.run(arguments)
            #expect(result.status == 64, "\(result)")
            #expect(result.error.hasPrefix("civgate: ") && !result.error.contains("\n"), "\(result)")
        }
    }

    @Test("a missing configuration or store is one line on stderr with its exit code")
    func setUpErrors() async throws {
        let noConfig = try await OperatorCLI.run(["status", "--config", "/nonexistent/civgate.yaml"])
        #expect(noConfig.status == 78, "\(noConfig)")
        #expect(
            noConfig.error.hasPrefix("civgate: cannot read /nonexistent/civgate.yaml")
                && !noConfig.error.contains("\n"), "\(noConfig)")

        let directory = TestPaths.temporaryDirectory("opcli-empty")
        let config = directory.appendingPathComponent("civgate.yaml")
        try OperatorCLIStage.yaml(dataDir: directory.path, withInsurance: false).write(
            to: config, atomically: true, encoding: .utf8)
        for arguments in [["status"], ["deliveries", "list", "--state", "dead"], ["audit", "list"]] {
            let noStore = try await OperatorCLI.run(arguments + ["--config", config.path])
            #expect(noStore.status == 64, "\(noStore)")
            #expect(
                noStore.error == "civgate: no store in \(directory.path): run civgate serve first or pass --data-dir",
                "\(noStore)")
            #expect(
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("civgate.sqlite").path),
                "no store created by a reader")
        }
        let nothingSelected = try await OperatorCLI.run(["replay", "--reason", "outage 22/11", "--config", config.path])
        #expect(nothingSelected.status == 64)
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Product bugs on a small store (population only, serve stopped)

    /// Runs `body` on a store with a few births delivered to the population mock, serve stopped.
    private func withSmallStore(
        _ label: String, _ body: (OperatorCLIStage, [OperatorCLIBirth]) async throws -> Void
    ) async throws {
        let stage = try await OperatorCLIStage.start(insurance: false, label: label)
        do {
            let births = try await stage.postBirths(count: 6, seed: 23)
            try #require(births.count >= 2, "the generator gave \(births.count) births")
            try await stage.waitUntilSettled(timeout: .seconds(20))
            #expect(try await stage.stopServer() == 0)
            try await body(stage, births)
        } catch {
            await stage.stopAll()
            throw error
        }
        await stage.stopAll()
    }

    @Test("regression: deliveries show --json carries no personal data without --reveal (its help says so)")
    func showJSONIsMasked() async throws {
        try await withSmallStore("json") { stage, births in
            let birth = births[0]
            let id = try #require(birth.deliveries["population"])
            let pin = try #require(
                try stage.text("SELECT json_extract(result, '$.pin') FROM deliveries WHERE id = ?", [id]))
            let help = try await OperatorCLI.run(["deliveries", "show", "--help"])
            #expect(
                help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains(
                    "personal data is not part of it"))
            let shown = try await stage.cli(["deliveries", "show", id, "--json"])
            #expect(shown.status == 0, "\(shown)")
            #expect(
                !shown.stdout.contains(pin),
                "the assigned PIN \(pin) is printed unmasked and unaudited:\n\(shown.stdout)")
            #expect(!shown.stdout.contains(birth.childName))
            let text = try await stage.cli(["deliveries", "show", id])
            #expect(!text.stdout.contains(pin), "the text view masks it")
        }
    }

    @Test("regression: discard of a delivery it cannot discard fails with an exit code, like resolve")
    func discardWrongStateFails() async throws {
        try await withSmallStore("discard") { stage, births in
            let id = try #require(births[0].deliveries["population"])
            let discarded = try await stage.cli(["discard", id, "--reason", "duplicate registration", "--yes"])
            #expect(try stage.count("SELECT COUNT(*) FROM deliveries WHERE id = ? AND state = 'succeeded'", [id]) == 1)
            #expect(discarded.status == 64, "nothing was discarded, yet:\n\(discarded)")
            #expect(discarded.error.contains("succeeded"), "the refusal is on stderr:\n\(discarded)")
        }
    }

    @Test("regression: discard's confirmation refusal suggests only options discard has")
    func discardRefusalSuggestsRealOptions() async throws {
        try await withSmallStore("confirm") { stage, births in
            let ids = births.prefix(2).compactMap { $0.deliveries["population"] }
            let refused = try await stage.cli(["discard"] + ids + ["--reason", "duplicate registration"])
            #expect(refused.status == 64, "\(refused)")
            #expect(refused.error.hasPrefix("civgate: 2 deliveries would change: add --yes"), "\(refused)")
            let help = try await OperatorCLI.run(["discard", "--help"])
            let suggested = refused.error.split(separator: " ").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            }
            .filter { $0.hasPrefix("--") }
            for option in suggested {
                #expect(
                    help.stdout.contains(option),
                    "the refusal suggests \(option), which discard does not have:\n\(refused.error)")
            }
        }
    }
}
