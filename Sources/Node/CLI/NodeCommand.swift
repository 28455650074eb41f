/// What the `coordinator` executable was asked to do, parsed from its arguments.
enum NodeCommand: Equatable {
    /// Run a node (the default).
    case serve
    /// Apply pending migrations and exit.
    case migrate
    /// Print a JWT signed with the configured secret, for local use.
    case token(subject: String, role: String, ttlSeconds: Int)
    case help

    static let usage = """
    usage: coordinator [serve]                                   run a node (configuration from COORD_* variables)
           coordinator migrate                                   apply pending migrations and exit
           coordinator token --sub NAME --role ROLE [--ttl 1h]   print a JWT signed with COORD_JWT_SECRET
                                                                 (ROLE: admin, manager or user; TTL like 90s, 30m, 1h, 7d)
    """

    /// Parses the arguments after the program name.
    static func parse(_ args: [String]) throws(CommandLineError) -> NodeCommand {
        guard let first = args.first else { return .serve }
        switch first {
        case "serve":
            try expectNoMore(args.dropFirst())
            return .serve
        case "migrate":
            try expectNoMore(args.dropFirst())
            return .migrate
        case "help", "--help", "-h":
            return .help
        case "token":
            var subject: String?
            var role: String?
            var ttl = 3600
            var rest = Array(args.dropFirst())[...]
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw CommandLineError(message: "\(flag) needs a value") }
                switch flag {
                case "--sub": subject = value
                case "--role": role = value
                case "--ttl":
                    guard let seconds = parseDuration(value) else {
                        throw CommandLineError(message: "--ttl must be a duration like 90s, 30m, 1h or 7d, got '\(value)'")
                    }
                    ttl = seconds
                default: throw CommandLineError(message: "unknown option \(flag)")
                }
            }
            guard let subject, !subject.isEmpty else { throw CommandLineError(message: "token needs --sub NAME") }
            guard let role, ["admin", "manager", "user"].contains(role) else {
                throw CommandLineError(message: "token needs --role admin, manager or user")
            }
            return .token(subject: subject, role: role, ttlSeconds: ttl)
        default:
            throw CommandLineError(message: "unknown command '\(first)'")
        }
    }

    /// `90s`, `30m`, `1h`, `7d` or plain seconds; at most a year, at least a second.
    static func parseDuration(_ s: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(s)
        var unit = 1
        if let last = s.last, let u = units[last] {
            unit = u
            digits = s.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 9, let n = Int(digits), n > 0 else { return nil }
        let total = n * unit
        return total <= 366 * 86400 ? total : nil
    }

    private static func expectNoMore(_ rest: ArraySlice<String>) throws(CommandLineError) {
        if let extra = rest.first { throw CommandLineError(message: "unexpected argument '\(extra)'") }
    }
}

/// A command line that cannot be understood; printed with the usage, exit status 2.
struct CommandLineError: Error, Equatable {
    var message: String
}
