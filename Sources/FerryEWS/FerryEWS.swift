/// The FerryEWS target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryEWSModule {
  public static let name = "FerryEWS"
}
