import MementoCore

/// A `notifications/progress` update for one of our requests.
public struct ProgressUpdate: Sendable, Equatable {
    public let progress: Double
    public let total: Double?
    public let message: String?
}

/// How long a request may take and what happens around it.
public struct RequestOptions: Sendable {
    /// Time allowed without news: the deadline starts here and each progress update resets it.
    public var timeout: Duration
    /// The hard cap from the start of the request; progress never extends past it.
    public var maxTotal: Duration
    /// When true, a `_meta.progressToken` is sent, so the server can report progress and thereby
    /// extend the deadline (a server only reports progress when it got a token).
    public var trackProgress: Bool
    public var onProgress: (@Sendable (ProgressUpdate) -> Void)?
    /// Send `notifications/cancelled` on expiry or cancellation. Off for `initialize`, which the
    /// spec says must never be cancelled.
    public var sendsCancellation: Bool

    public init(
        timeout: Duration = .seconds(60), maxTotal: Duration? = nil, trackProgress: Bool = false,
        onProgress: (@Sendable (ProgressUpdate) -> Void)? = nil, sendsCancellation: Bool = true
    ) {
        self.timeout = timeout
        self.maxTotal = maxTotal ?? timeout
        self.trackProgress = trackProgress
        self.onProgress = onProgress
        self.sendsCancellation = sendsCancellation
    }
}
