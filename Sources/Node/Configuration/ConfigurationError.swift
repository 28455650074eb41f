/// A configuration value that is missing or wrong, naming the environment variable so the operator
/// can fix it; the node prints it and exits non-zero.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    var variable: String
    var problem: String
    var description: String { "\(variable): \(problem)" }
}
