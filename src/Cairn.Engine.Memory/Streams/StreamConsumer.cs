namespace Cairn.Engine.Memory.Streams;

/// <summary>A consumer of a group: its name, when it was last seen, and its own pending entries.</summary>
public sealed class StreamConsumer
{
    internal StreamConsumer(byte[] name, long seenTimeMilliseconds)
    {
        Name = name;
        SeenTimeMilliseconds = seenTimeMilliseconds;
    }

    public byte[] Name { get; }

    public long SeenTimeMilliseconds { get; set; }

    public SortedDictionary<StreamId, PendingEntry> Pending { get; } = new();
}
