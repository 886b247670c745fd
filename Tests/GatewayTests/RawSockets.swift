#if canImport(Glibc)
import Glibc
#endif

import class Foundation.Thread

/// Many raw client sockets at once, for connection-limit tests: open, write a little, and see
/// which ones the server closed. Blocking calls run on threads of their own.
final class RawSockets: @unchecked Sendable {
    private(set) var fds: [Int32] = []

    /// Opens `count` connections to `port` (skipping any the server refused at once).
    static func open(_ count: Int, port: Int) async -> RawSockets {
        await onThread {
            let sockets = RawSockets()
            for _ in 0..<count {
                let fd = RawHTTP.connect(port: port)
                if fd >= 0 { sockets.fds.append(fd) }
            }
            return sockets
        }
    }

    /// Writes `text` on every socket (ignoring sockets the server closed).
    func send(_ text: String) async {
        let fds = self.fds
        await Self.onThread {
            for fd in fds { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) } }
        }
    }

    /// How many of the sockets the server has closed (end of stream or reset), after draining
    /// what it sent; waits up to `seconds` for all of them.
    func closedCount(within seconds: Double) async -> Int {
        let fds = self.fds
        return await Self.onThread {
            let deadline = Self.now() + seconds
            var closed = Set<Int32>()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while closed.count < fds.count && Self.now() < deadline {
                for fd in fds where !closed.contains(fd) {
                    while true {
                        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                        if count > 0 { continue }
                        if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { closed.insert(fd) }
                        break
                    }
                }
                usleep(20_000)
            }
            return closed.count
        }
    }

    /// What the server sent on the first socket until it closed or `seconds` passed.
    func readAll(within seconds: Double) async -> String {
        guard let fd = fds.first else { return "" }
        return await Self.onThread {
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { return String(decoding: received, as: UTF8.self) }
                received += buffer[0..<count]
            }
        }
    }

    /// How many times `marker` arrived on each socket, read until each has it `count` times, the
    /// socket closes or `seconds` pass.
    func count(_ marker: String, upTo count: Int, within seconds: Double) async -> [Int] {
        let fds = self.fds
        return await Self.onThread {
            let deadline = Self.now() + seconds
            var buffer = [UInt8](repeating: 0, count: 65536)
            return fds.map { fd in
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var received: [UInt8] = []
                var found = 0
                while found < count && Self.now() < deadline {
                    let read = recv(fd, &buffer, buffer.count, 0)
                    if read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { break }
                    if read > 0 { received += buffer[0..<read] }
                    found = String(decoding: received, as: UTF8.self).components(separatedBy: marker).count - 1
                }
                return found
            }
        }
    }

    /// Closes every socket.
    func closeAll() {
        for fd in fds { _ = Glibc.close(fd) }
        fds = []
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
