using Cairn.Replication.Versioning;

namespace Cairn.Replication.Node;

/// <summary>A key a client WATCHed and the newest version a read quorum saw then: its transaction runs only if it is unchanged.</summary>
public sealed record WatchedKey(byte[] Key, ValueVersion Version);
