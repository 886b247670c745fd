/// A request the target API cannot express (a content part of a type it lacks, several choices):
/// answered 400 in the front door's shape, without contacting the provider.
struct TranslationError: Error, Equatable {
    /// What cannot be translated and what to do.
    var message: String
    /// The request field at fault.
    var param: String?

    init(_ message: String, param: String? = nil) {
        self.message = message
        self.param = param
    }
}
