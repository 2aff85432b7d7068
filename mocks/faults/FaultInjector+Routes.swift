import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

extension FaultInjector {
    /// Adds the control endpoints to `router`:
    /// - `GET /_mock/faults`: the profile and the counters (``FaultSnapshot``);
    /// - `PUT /_mock/faults`: replace the profile with the JSON body; 400 with the reason if invalid;
    /// - `DELETE /_mock/faults`: no more faults.
    /// `PUT` and `DELETE` restart the request numbering, the outage clock and the counters.
    public func registerRoutes<Context: RequestContext>(on router: Router<Context>) {
        router.get("/_mock/faults") { _, _ in try Self.json(self.snapshot) }
        router.put("/_mock/faults") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            do {
                self.replace(with: try FaultProfile.decode(json: Data(body.readableBytesView)))
            } catch let error as FaultProfileError {
                return try Self.json(["error": error.message, "code": error.code.rawValue], status: .badRequest)
            }
            return try Self.json(self.snapshot)
        }
        router.delete("/_mock/faults") { _, _ in
            self.clear()
            return try Self.json(self.snapshot)
        }
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
