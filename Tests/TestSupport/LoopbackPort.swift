import Glibc

/// Probes of a TCP port on 127.0.0.1 with a throwaway socket, and ports for servers a test starts.
package enum LoopbackPort {
    /// Something listens there.
    package static func accepts(_ port: Int) -> Bool { withSocket(port) { fd, address, length in connect(fd, address, length) == 0 } }

    /// Nothing holds it (bind would succeed).
    package static func canBind(_ port: Int) -> Bool { withSocket(port) { fd, address, length in bind(fd, address, length) == 0 } }

    /// A port with no listener, for "dependency is down" cases and for servers a test starts. Chosen
    /// below the kernel's ephemeral range (32768+): a client reconnecting to an ephemeral port can
    /// connect to itself, and the kernel may hand the port to someone else meanwhile.
    package static func free() -> Int {
        for _ in 0..<1_000 {
            let port = Int.random(in: 20_000..<32_000)
            if !accepts(port) && canBind(port) { return port }
        }
        return 31_999
    }

    private static func withSocket(_ port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
