/// Options for vCard writing.
public struct VCardWriteOptions: Sendable {
  /// `--split DIR`: one file per contact in this directory.
  public var splitDirectory: String?
  /// `--clean`: once the run has committed, remove the `.vcf` files in `splitDirectory` that
  /// it did not write (left by earlier runs). Without it they are only counted in a warning.
  public var removeOtherFiles = false
  public init() {}
}
