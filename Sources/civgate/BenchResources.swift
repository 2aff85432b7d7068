import Foundation

/// What the process uses: CPU time (getrusage) and resident memory (/proc/self/status).
enum BenchResources {
    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// `VmRSS` and `VmHWM` (peak) in MiB; zeros when /proc is not there.
    static func memory() -> (rss: Double, peak: Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let digits = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return digits / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Resets `VmHWM` to the current RSS (Linux ≥ 4.0), so the peak covers only what follows.
    static func resetPeak() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }
}

/// Samples `VmRSS` every 200 ms in the background and keeps the highest value per phase.
final class BenchMemorySampler: @unchecked Sendable {
    // @unchecked: the values are guarded by `lock`.
    private let lock = NSLock()
    private var phase = "start"
    private var peaks: [String: Double] = [:]
    private var task: Task<Void, Never>?

    func start() {
        task = Task.detached { [self] in
            while !Task.isCancelled {
                sample()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Phases that follow are attributed to `name`.
    func enter(_ name: String) {
        sample()
        lock.withLock { phase = name }
    }

    /// The highest `VmRSS` seen in `name`, MiB.
    func peak(_ name: String) -> Double {
        sample()
        return lock.withLock { peaks[name] ?? 0 }
    }

    func stop() {
        task?.cancel()
    }

    private func sample() {
        let rss = BenchResources.memory().rss
        lock.withLock { peaks[phase] = max(peaks[phase] ?? 0, rss) }
    }
}
