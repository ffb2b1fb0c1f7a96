/// The FerryContentLines target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryContentLinesModule {
  public static let name = "FerryContentLines"
}
