namespace Cairn.Replication.Node;

/// <summary>
/// A client request the node coordinates: a command on keys of one partition, with the quorum it needs: the first
/// <see cref="Replicas"/> nodes of the preference list, of which <see cref="Required"/> must answer (W for writes, R for reads).
/// </summary>
/// <see cref="Watched"/>: for a transaction after WATCH, the keys' versions when watched; the primary aborts it if any changed.
public sealed record Operation(int Partition, IReadOnlyList<byte[]> Keys, byte[] Command, bool IsWrite, int Replicas, int Required,
    IReadOnlyList<WatchedKey>? Watched = null);
