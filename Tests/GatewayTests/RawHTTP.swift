#if canImport(Glibc)
import Glibc
#endif

import class Foundation.Thread

/// A bare TCP client for requests an HTTP library will not send: a body that never arrives whole.
enum RawHTTP {
    /// Sends `head` and `body`, then reads the response until the server closes or `timeoutSeconds` pass.
    /// Returns the response text, and whether the server closed the connection. The blocking socket
    /// calls run on a thread of their own, never on the concurrency pool the server needs.
    static func exchange(port: Int, head: String, body: [UInt8], timeoutSeconds: Int = 10) async -> (response: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: blockingExchange(port: port, head: head, body: body, timeoutSeconds: timeoutSeconds))
            }.start()
        }
    }

    /// Sends `head` alone, as a client that sent `Expect: 100-continue` and waits to send its body:
    /// reads the first answer head (`interim`); sends `body` only when it is `100 Continue`; then
    /// reads the rest (`response`) until the server closes or `timeoutSeconds` pass.
    static func waitToSend(port: Int, head: String, body: [UInt8], timeoutSeconds: Int = 10) async -> (interim: String, response: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread {
                let fd = connected(port: port)
                guard fd >= 0 else { return continuation.resume(returning: ("", "", true)) }
                defer { close(fd) }
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var received: [UInt8] = []
                var byte: UInt8 = 0
                while !received.reversed().starts(with: Array("\n\r\n\r".utf8)), recv(fd, &byte, 1, 0) == 1 { received.append(byte) }
                let interim = String(decoding: received, as: UTF8.self)
                if interim.hasPrefix("HTTP/1.1 100 ") {
                    _ = body.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                let (response, closed) = drain(fd, timeoutSeconds: timeoutSeconds)
                continuation.resume(returning: (interim, response, closed))
            }.start()
        }
    }

    /// A whole keep-alive chat request (head and body) with the test key, as a client would write it.
    static func chat(_ model: String = "gpt-4o-mini", stream: Bool = false, version: String = "1.1") -> String {
        let body = GatewayHarness.chat(model, stream: stream)
        return "POST /v1/chat/completions HTTP/\(version)\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: keep-alive\r\n\r\n\(body)"
    }

    /// Connects, sends `head`, and returns the open socket without reading from it: a client
    /// that stops reading. The caller closes it.
    static func sendAndPause(port: Int, head: String) -> Int32 {
        let fd = connected(port: port, receiveBuffer: 64 * 1024)
        _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }

    /// Waits until `socket` has bytes to read (or is closed), up to `timeoutSeconds`, on a thread
    /// of its own; returns whether it has.
    static func awaitReadable(_ socket: Int32, timeoutSeconds: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                var entry = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                continuation.resume(returning: poll(&entry, 1, Int32(timeoutSeconds * 1000)) == 1)
            }.start()
        }
    }

    /// Closes a socket from ``sendAndPause(port:head:)``.
    static func close(_ socket: Int32) {
        _ = Glibc.close(socket)
    }

    /// A blocking socket connected to `port` on loopback; -1 when the connection failed.
    static func connect(port: Int) -> Int32 { connected(port: port) }

    private static func connected(port: Int, receiveBuffer: Int32? = nil) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return -1
        }
        return fd
    }

    private static func blockingExchange(port: Int, head: String, body: [UInt8], timeoutSeconds: Int) -> (response: String, closed: Bool) {
        let fd = connected(port: port)
        guard fd >= 0 else { return ("", true) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array(head.utf8) + body
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return drain(fd, timeoutSeconds: timeoutSeconds)
    }

    /// Reads `fd` until the server closes it or `timeoutSeconds` pass without a byte; returns
    /// what came and whether it was closed.
    static func drain(_ fd: Int32, timeoutSeconds: Int) -> (response: String, closed: Bool) {
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else {
                return (String(decoding: received, as: UTF8.self), count == 0 || errno == ECONNRESET)
            }
        }
    }
}
