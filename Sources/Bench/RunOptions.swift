/// The `--url`, `--tasks` and `--seconds` options the soak and floor modes share, with each mode's
/// defaults; values that do not parse or are not positive keep the default.
struct RunOptions {
    var url: String
    var tasks: Int
    var seconds: Double

    init(parsing arguments: [String], url: String = "", tasks: Int, seconds: Double) {
        self.url = url
        self.tasks = tasks
        self.seconds = seconds
        var rest = arguments[...]
        while rest.count >= 2 {
            let (name, value) = (rest[rest.startIndex], rest[rest.startIndex + 1])
            switch name {
            case "--url": self.url = value
            case "--tasks": if let number = Int(value), number > 0 { self.tasks = number }
            case "--seconds": if let number = Double(value), number > 0 { self.seconds = number }
            default: break
            }
            rest = rest.dropFirst(2)
        }
    }
}
