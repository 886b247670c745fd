import GatewayModel
import struct Foundation.URLComponents

/// Store URL helpers.
public enum StoreURL {
    /// `url` with any password replaced by `***`, for logs and errors.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
