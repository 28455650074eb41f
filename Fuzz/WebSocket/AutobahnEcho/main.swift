// Throwaway echo server over the WebSocket codec, only for running the Autobahn testsuite against the
// codec alone (the real server lives in Sources/HTTP). Blocking sockets, a thread per connection,
// 127.0.0.1:9001. Not part of the package. Reproduce (Python 2.7 from pyenv, see TOOLCHAIN.md):
//   srcs=$(ls Sources/HTTP/WebSocket/*.swift | grep -v Handshake)
//   swiftc -O -swift-version 5 -I Sources/CCrypto -lcrypto -module-name ABEcho -package-name coordinator \
//       $srcs Fuzz/WebSocket/AutobahnEcho/main.swift -o /tmp/ab-echo && /tmp/ab-echo &
//   ~/.pyenv/versions/2.7.18/bin/python -m virtualenv /tmp/ab-venv && /tmp/ab-venv/bin/pip install autobahntestsuite
//   /tmp/ab-venv/bin/wstest -m fuzzingclient -s Fuzz/WebSocket/AutobahnEcho/fuzzingclient.json
//   then read /tmp/ab-reports/index.json (wstest exits 0 even when cases fail) and kill the server.
import Glibc
import Foundation
import CCrypto

func sha1Base64(_ s: String) -> String {
    var out = [UInt8](repeating: 0, count: 20)
    let bytes = Array(s.utf8)
    _ = SHA1(bytes, bytes.count, &out)
    return Data(out).base64EncodedString()
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return false }
        off += n
    }
    return true
}

func serve(_ fd: Int32) {
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 65536)
    var head = [UInt8]()
    var rest = [UInt8]()
    while true {
        let n = read(fd, &buf, buf.count)
        if n <= 0 { return }
        head += buf[0..<n]
        if let r = String(decoding: head, as: UTF8.self).range(of: "\r\n\r\n") {
            let headText = String(decoding: head, as: UTF8.self)
            let cut = headText.utf8.distance(from: headText.startIndex, to: r.upperBound)
            rest = Array(head[cut...])
            head = Array(head[..<cut])
            break
        }
    }
    let text = String(decoding: head, as: UTF8.self)
    var key = ""
    for line in text.components(separatedBy: "\r\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == "sec-websocket-key" { key = parts[1].trimmingCharacters(in: .whitespaces) }
    }
    let resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(sha1Base64(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))\r\n\r\n"
    guard writeAll(fd, Array(resp.utf8)) else { return }
    var parser = WebSocketParser(limits: WebSocketLimits(maxFrameSize: 1 << 26, maxMessageSize: 1 << 26, maxFragmentCount: 1 << 22))
    parser.append(rest)
    while true {
        do {
            while let event = try parser.nextEvent() {
                var out: [UInt8] = []
                switch event {
                case .text(let s): out = WebSocketFrameEncoder.text(s)
                case .binary(let b): out = WebSocketFrameEncoder.binary(b)
                case .ping(let p): out = (try? WebSocketFrameEncoder.pong(p)) ?? []
                case .pong: continue
                case .close(let code, _):
                    _ = writeAll(fd, (try? WebSocketFrameEncoder.close(code: code)) ?? [])
                    shutdown(fd, Int32(SHUT_WR)); return
                }
                if !writeAll(fd, out) { return }
            }
        } catch {
            _ = writeAll(fd, (try? WebSocketFrameEncoder.close(code: error.closeCode, reason: error.message)) ?? [])
            shutdown(fd, Int32(SHUT_WR)); return
        }
        let n = read(fd, &buf, buf.count)
        if n <= 0 { return }
        parser.append(buf[0..<n])
    }
}

let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
var yes: Int32 = 1
setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
var addr = sockaddr_in()
addr.sin_family = sa_family_t(AF_INET)
addr.sin_port = in_port_t(9001).bigEndian
addr.sin_addr.s_addr = inet_addr("127.0.0.1")
_ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
listen(listener, 128)
print("listening"); fflush(stdout)
while true {
    let fd = accept(listener, nil, nil)
    if fd < 0 { continue }
    Thread.detachNewThread { serve(fd) }
}
