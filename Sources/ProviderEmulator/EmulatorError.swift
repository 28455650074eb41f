/// The emulator's one error type: a startup problem (bad arguments, a port in use) or a cut connection.
struct EmulatorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
