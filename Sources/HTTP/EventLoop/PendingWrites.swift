import Glibc

/// Bytes accepted for a socket but not yet written, flushed with `writev`.
/// Owns copies in manually allocated buffers so that iovecs can point at all of them at once.
struct PendingWrites: ~Copyable {
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    private var firstOffset = 0
    private(set) var byteCount = 0
    private static let maxIOVecs = 64

    var isEmpty: Bool { chunks.isEmpty }

    deinit { for chunk in chunks { chunk.deallocate() } }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        copy.copyMemory(from: bytes)
        chunks.append(copy)
        byteCount += bytes.count
    }

    /// Writes as much as the socket takes; `true` once everything is written.
    mutating func flush(fd: Int32) throws(SystemError) -> Bool {
        while !chunks.isEmpty {
            let count = min(chunks.count, Self.maxIOVecs)
            var iovecs = [iovec]()
            iovecs.reserveCapacity(count)
            for index in 0..<count {
                let chunk = chunks[index]
                let offset = index == 0 ? firstOffset : 0
                iovecs.append(iovec(iov_base: chunk.baseAddress.map { $0 + offset }, iov_len: chunk.count - offset))
            }
            let result = try iovecs.withUnsafeBufferPointer { (buffer) throws(SystemError) in
                try Syscall.writev(fd, buffer)
            }
            switch result {
            case .wouldBlock:
                return false
            case .processed(let written):
                consume(written)
            }
        }
        return true
    }

    private mutating func consume(_ written: Int) {
        var remaining = written
        byteCount -= written
        while remaining > 0, let first = chunks.first {
            let left = first.count - firstOffset
            if remaining >= left {
                remaining -= left
                first.deallocate()
                chunks.removeFirst()
                firstOffset = 0
            } else {
                firstOffset += remaining
                remaining = 0
            }
        }
    }
}
