/// The FerryGraph target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryGraphModule {
  public static let name = "FerryGraph"
}
