/// Where each destination is: its base URL, known at start or once an embedded mock has bound its port.
public actor DestinationDirectory {
    private var urls: [String: String]
    private var waiters: [String: [CheckedContinuation<String, Never>]] = [:]

    public init(urls: [String: String] = [:]) {
        self.urls = urls
    }

    /// Sets (or replaces) a destination's base URL and wakes whoever waits for it.
    public func set(_ destination: String, url: String) {
        urls[destination] = url
        for waiter in waiters.removeValue(forKey: destination) ?? [] { waiter.resume(returning: url) }
    }

    /// The base URL of `destination`, waiting until it is known.
    public func url(for destination: String) async -> String {
        if let url = urls[destination] { return url }
        return await withCheckedContinuation { waiters[destination, default: []].append($0) }
    }
}
