/// The FerryMatch target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryMatchModule {
  public static let name = "FerryMatch"
}
