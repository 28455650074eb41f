import Foundation

/// Typed access to environment variables with defaults; a present but malformed value is an error
/// naming its variable, never silently replaced by the default.
struct EnvironmentReader {
    private let env: [String: String]
    init(_ env: [String: String]) { self.env = env }

    func string(_ name: String, default value: String) -> String {
        guard let v = env[name], !v.isEmpty else { return value }
        return v
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = env[name], !raw.isEmpty else { return value }
        guard let v = Int(raw), range.contains(v) else {
            throw ConfigurationError(variable: name, problem: "must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(raw)'")
        }
        return v
    }

    func bool(_ name: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return value }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, problem: "must be true or false, got '\(raw)'")
        }
    }

    /// A comma-separated list, items trimmed, empty items dropped.
    func list(_ name: String) -> [String] {
        guard let raw = env[name] else { return [] }
        return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
