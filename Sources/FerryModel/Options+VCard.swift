/// Options for vCard writing.
public struct VCardWriteOptions: Sendable {
  /// `--split DIR`: one file per contact in this directory.
  public var splitDirectory: String?
  public init() {}
}
