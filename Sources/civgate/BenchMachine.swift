import Foundation

/// The machine a bench ran on: cores, CPU model, memory, kernel, date.
struct BenchMachine: Codable {
    var cores: Int
    var cpu: String
    var memoryGiB: Double
    var kernel: String
    var date: String

    static func current() -> BenchMachine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        let kernel =
            (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return BenchMachine(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpu: model,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            kernel: kernel,
            date: Date().formatted(Date.ISO8601FormatStyle()))
    }

    var summary: String {
        "\(cores) cores (\(cpu)), \(String(format: "%.1f", memoryGiB)) GiB, Linux \(kernel)"
    }
}
