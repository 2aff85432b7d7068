import Foundation
import Testing

/// The real `civgate` binary: serve with the example config and its embedded mock, graceful stop,
/// the standalone mock, and clear failures.
@Suite("civgate process")
struct ProcessTests {
    @Test("serve with the example config delivers a record, answers health checks and exits 0 on SIGTERM")
    func serveAndStop() async throws {
        let data = TestPaths.temporaryDirectory()
        let server = try RunningProcess([
            "serve", "--config", "config/civgate.yaml", "--port", "0", "--data-dir", data.path,
        ])
        let mockURL = try await server.listeningURL("mock population listening on")
        let url = try await server.listeningURL("civgate listening on")
        #expect(try await TestHTTP.get(url + "/healthz").status == 200)
        let ready = try await TestHTTP.get(url + "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["status"] as? String == "ready")

        try await Self.deliverSample(to: url, key: "process-1")
        let requests = try await TestHTTP.get(mockURL + "/_mock/requests")
        #expect((try JSONSerialization.jsonObject(with: requests.body) as? [Any])?.count == 1)

        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("civgate.sqlite").path))
    }

    @Test("with no room for its log's working size, serve still starts, says so, and delivers")
    func serveWithoutRoomForTheLog() async throws {
        let data = TestPaths.temporaryDirectory()
        // 40,000 blocks (20 MB with dash's 512-byte blocks, 40 MB with bash's): room for the store, not for
        // the 165 MB log.
        let server = try RunningProcess(
            ["serve", "--config", "config/civgate.yaml", "--port", "0", "--data-dir", data.path],
            fileSizeLimit: 40_000)
        let url = try await server.listeningURL("civgate listening on")
        #expect(server.stderr.contains("the store's log was not written out to its working size"))
        let log = try FileManager.default.attributesOfItem(
            atPath: data.appendingPathComponent("civgate.sqlite-wal").path)
        // Cut back to what SQLite had written (the zeros up to the limit went again).
        #expect(((log[.size] as? NSNumber)?.intValue ?? 0) < 4 << 20)

        try await Self.deliverSample(to: url, key: "process-no-room")
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
    }

    /// Posts the sample birth to the gateway at `url` and waits until it is delivered.
    private static func deliverSample(to url: String, key: String) async throws {
        let body = try Data(contentsOf: TestPaths.samples.appendingPathComponent("KS-2026-000000003.json"))
        let accepted = try await TestHTTP.postRecord(url, body, key: key)
        #expect(accepted.status == 202)
        let id = try #require(accepted.json["id"] as? String)
        try await waitUntil("the record succeeded") {
            try await TestHTTP.get(url + "/v1/records/\(id)").json["state"] as? String == "succeeded"
        }
    }

    @Test("the population mock runs on its own and stops on SIGTERM")
    func standaloneMock() async throws {
        let mock = try RunningProcess(["mock", "population", "--port", "0"])
        let url = try await mock.listeningURL("mock population listening on")
        let listing = try await TestHTTP.get(url + "/_mock/requests")
        #expect(listing.status == 200)
        #expect(listing.text == "[]")
        mock.signal(SIGTERM)
        #expect(try await mock.exitStatus() == 0)
    }

    @Test("a missing configuration file is one line on stderr and exit code 78")
    func missingConfig() async throws {
        let server = try RunningProcess(["serve", "--config", "/nonexistent/civgate.yaml"])
        #expect(try await server.exitStatus() == 78)
        let message = server.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.hasPrefix("civgate: cannot read /nonexistent/civgate.yaml"))
        #expect(!message.contains("\n"))
    }

    @Test("map prints the message for a record without storing or sending; bad input exits non-zero")
    func mapCommand() async throws {
        let sample = TestPaths.samples.appendingPathComponent("KS-2026-000000003.json").path
        let mapped = try RunningProcess(["map", sample, "--destination", "population"])
        #expect(try await mapped.exitStatus() == 0)
        #expect(mapped.stdout.contains("<dc:YeuCauCapSoDinhDanh"))
        let unknown = try RunningProcess(["map", sample, "--destination", "nowhere"])
        #expect(try await unknown.exitStatus() == 64)
        #expect(unknown.stderr.contains("unknown destination 'nowhere'"))
    }
}
