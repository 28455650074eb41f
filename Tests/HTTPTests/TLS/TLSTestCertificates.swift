import Foundation

/// A throwaway PKI made with the `openssl` CLI in a temporary folder, once per test process: a test CA,
/// a server certificate it signed for localhost and 127.0.0.1, the same key certified for 2020-01-01 to
/// 2020-01-02 (expired), and a self-signed certificate for localhost that no CA vouches for.
struct TLSTestCertificates: Sendable {
    struct CommandFailed: Error, CustomStringConvertible { let description: String }

    let folder: String
    var caCertificate: String { folder + "/ca.pem" }
    var serverKey: String { folder + "/server.key" }
    var serverCertificate: String { folder + "/server.pem" }
    var expiredCertificate: String { folder + "/expired.pem" }
    var selfSignedKey: String { folder + "/self.key" }
    var selfSignedCertificate: String { folder + "/self.pem" }

    /// Made on first use; every test shares it (all files are only read afterwards).
    static let shared: Result<TLSTestCertificates, CommandFailed> = Result { () throws(CommandFailed) in try make() }

    static func get() throws -> TLSTestCertificates { try shared.get() }

    private static func make() throws(CommandFailed) -> TLSTestCertificates {
        let folder = NSTemporaryDirectory() + "tls-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: folder + "/ext.cnf", atomically: true, encoding: .utf8)
            // `openssl ca` is the 3.0 tool that takes explicit dates (`x509 -req` has no -not_before
            // before 3.4); it needs a database, a serial file and a policy.
            try "".write(toFile: folder + "/index.txt", atomically: true, encoding: .utf8)
            try "10\n".write(toFile: folder + "/serial", atomically: true, encoding: .utf8)
            try """
                [ca]
                default_ca = test_ca
                [test_ca]
                database = index.txt
                serial = serial
                new_certs_dir = .
                default_md = sha256
                policy = any_name
                [any_name]
                commonName = supplied

                """.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailed(description: "cannot prepare \(folder): \(error)")
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Coordinator Test CA",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: folder)
        try openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: folder)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2", "-days", "30",
                     "-extfile", "ext.cnf", "-out", "server.pem"], in: folder)
        try openssl(["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "server.csr",
                     "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
                     "-extfile", "ext.cnf", "-notext"], in: folder)
        try openssl(["req", "-x509"] + ec + ["-keyout", "self.key", "-out", "self.pem", "-days", "30", "-subj", "/CN=localhost",
                     "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], in: folder)
        return TLSTestCertificates(folder: folder)
    }

    /// Runs `openssl <arguments>` in `folder` and waits; its output is read to the end with a blocking
    /// read before waiting (a full pipe would otherwise stall it).
    private static func openssl(_ arguments: [String], in folder: String) throws(CommandFailed) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw CommandFailed(description: "cannot run openssl: \(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + String(decoding: output, as: UTF8.self))
        }
    }
}
