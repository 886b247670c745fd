import class Foundation.FileHandle
import struct Foundation.Data

/// What `serve` prints once listening: the address, and for the demo configuration a usable key.
enum DemoBanner {
    static func print(role: String, address: String, key: String?, adminToken: (env: String, token: String)?) {
        var text = "\(role) listening on http://\(address)\n"
        if role == "gateway", let key { text += demo(address: address, key: key) }
        if role == "admin", let (env, token) = adminToken { text += admin(address: address, env: env, token: token) }
        // Written unbuffered so scripts reading a pipe see it at once.
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private static func demo(address: String, key: String) -> String {
        """
        No configuration file given (and no ./gateway.yaml): serving the built-in demo configuration.
          org demo, project playground, models mock-gpt and mock-embedding on the built-in mock provider
          demo API key (new at every start): \(key)
        Try:
          export KEY=\(key)
          curl http://\(address)/v1/chat/completions -H "Authorization: Bearer $KEY" \\
            -H 'Content-Type: application/json' -d '{"model":"mock-gpt","messages":[{"role":"user","content":"Hello"}]}'

        """
    }

    private static func admin(address: String, env: String, token: String) -> String {
        """
        No \(env) set: made a platform admin token for this run (new at every start): \(token)
          export \(env)=\(token)
          curl http://\(address)/metrics -H "Authorization: Bearer $\(env)"
          swift run gateway explain REQUEST_ID     (or .build/debug/gateway; reads $\(env))

        """
    }
}
