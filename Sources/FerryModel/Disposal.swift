import Foundation

/// Frees a large value (indexes of a million keys) on a background thread, so that the
/// thread that is still working, or about to exit, does not spend seconds in `free`.
public enum Disposal {
  private final class Box: @unchecked Sendable {
    var value: Any?
    init(_ value: Any) { self.value = value }
  }

  /// Takes the last reference to `value` and drops it on another thread.
  public static func later(_ value: Any) {
    let box = Box(value)
    let thread = Thread { box.value = nil }
    thread.name = "ferry-free"
    thread.start()
  }
}
