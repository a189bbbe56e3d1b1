namespace Cairn.Primitives.FileSystem;

/// <summary>What a simulated crash does to bytes that were appended but not synced.</summary>
public enum CrashMode
{
    /// <summary>Every unsynced byte is lost.</summary>
    DropUnsynced = 0,

    /// <summary>Each file keeps a random prefix of its unsynced bytes, and the last kept bytes may be garbage: a torn write.</summary>
    TearUnsynced = 1,
}
