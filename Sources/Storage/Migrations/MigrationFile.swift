import Foundation

/// One forward-only migration: a `NNNN_name.sql` file whose number orders it and whose bytes are
/// checksummed so an applied file cannot be edited unnoticed.
public struct MigrationFile: Sendable, Hashable {
    public let version: Int
    /// The part after the number, e.g. `initial` for `0001_initial.sql`.
    public let name: String
    public let fileName: String
    /// The file's exact bytes (hashed) and their text (executed).
    let bytes: [UInt8]
    let sql: String

    /// Parses `NNNN_name.sql` (at least four digits, name `[a-z0-9_]+`); `nil` if it does not match.
    init?(fileName: String, bytes: [UInt8]) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard digits.count >= 4, digits.allSatisfy(\.isASCII), let version = Int(digits), version > 0,
            !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else { return nil }
        guard let sql = String(validating: bytes, as: UTF8.self) else { return nil }
        self.version = version
        self.name = String(name)
        self.fileName = fileName
        self.bytes = bytes
        self.sql = sql
    }

    /// Every `.sql` file of `directory`, ordered by version. Other files (README...) are ignored; a
    /// `.sql` file with a bad name or a duplicate number is an error naming it.
    static func load(from directory: URL) throws(PostgresError) -> [MigrationFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw Self.failure("cannot read migrations directory \(directory.path): \(error)")
        }
        var files: [Int: MigrationFile] = [:]
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path) else {
                throw Self.failure("cannot read migration \(fileName)")
            }
            guard let file = MigrationFile(fileName: fileName, bytes: Array(data)) else {
                throw Self.failure("migration \(fileName) must be named NNNN_name.sql (lowercase) and be UTF-8")
            }
            if let other = files[file.version] {
                throw Self.failure("migrations \(other.fileName) and \(fileName) share version \(file.version)")
            }
            files[file.version] = file
        }
        return files.values.sorted { $0.version < $1.version }
    }

    static func failure(_ message: String) -> PostgresError {
        PostgresError(code: .migrationFailed, message: message)
    }
}

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Hashable {
    public let version: Int
    public let name: String
    /// Hex SHA-256 of the file's bytes, computed by PostgreSQL's `sha256()`.
    public let checksum: String
}
