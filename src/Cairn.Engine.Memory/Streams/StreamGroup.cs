namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// A consumer group (Redis's streamCG). Invariant: every pending entry is in <see cref="Pending"/> and in exactly its
/// consumer's own pending map. Changes go through these methods so the owning stream's memory count stays right.
/// </summary>
public sealed class StreamGroup
{
    /// <summary>Redis's SCG_INVALID_ENTRIES_READ: the counter is unknown (replied as null).</summary>
    public const long UnknownEntriesRead = -1;

    internal const long PendingEntryBytes = 96;
    internal const long ConsumerBytes = 96;

    private readonly StreamObject _owner;

    internal StreamGroup(StreamObject owner, byte[] name, StreamId lastId, long entriesRead)
    {
        _owner = owner;
        Name = name;
        LastId = lastId;
        EntriesRead = entriesRead;
    }

    public byte[] Name { get; }

    public StreamId LastId { get; set; }

    public long EntriesRead { get; set; }

    public SortedDictionary<StreamId, PendingEntry> Pending { get; } = new();

    public SortedDictionary<byte[], StreamConsumer> Consumers { get; } = new(BytesOrder.Instance);

    public StreamConsumer? FindConsumer(byte[] name) => Consumers.GetValueOrDefault(name);

    /// <summary>Creates a consumer; null when one of that name exists.</summary>
    public StreamConsumer? CreateConsumer(byte[] name, long nowMilliseconds)
    {
        if (Consumers.ContainsKey(name))
        {
            return null;
        }
        var consumer = new StreamConsumer(name, nowMilliseconds);
        Consumers.Add(name, consumer);
        _owner.AddBytes(ConsumerBytes + name.Length);
        return consumer;
    }

    /// <summary>Deletes a consumer and its pending entries; returns how many were pending.</summary>
    public long DeleteConsumer(StreamConsumer consumer)
    {
        long pending = consumer.Pending.Count;
        foreach (StreamId id in consumer.Pending.Keys)
        {
            Pending.Remove(id);
        }
        consumer.Pending.Clear();
        Consumers.Remove(consumer.Name);
        _owner.AddBytes(-(ConsumerBytes + consumer.Name.Length + pending * PendingEntryBytes));
        return pending;
    }

    /// <summary>Adds or moves a pending entry to <paramref name="consumer"/>.</summary>
    public PendingEntry Deliver(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount)
    {
        if (Pending.TryGetValue(id, out PendingEntry? existing))
        {
            Assign(existing, consumer);
            existing.DeliveryTimeMilliseconds = deliveryTime;
            existing.DeliveryCount = deliveryCount;
            return existing;
        }
        var entry = new PendingEntry(id, consumer, deliveryTime, deliveryCount);
        Pending.Add(id, entry);
        consumer.Pending.Add(id, entry);
        _owner.AddBytes(PendingEntryBytes);
        return entry;
    }

    /// <summary>Moves a pending entry to another consumer.</summary>
    public void Assign(PendingEntry entry, StreamConsumer consumer)
    {
        if (entry.Consumer == consumer)
        {
            return;
        }
        entry.Consumer.Pending.Remove(entry.Id);
        consumer.Pending.Add(entry.Id, entry);
        entry.Consumer = consumer;
    }

    /// <summary>Acknowledges (removes) a pending entry; false when it was not pending.</summary>
    public bool Acknowledge(StreamId id)
    {
        if (!Pending.Remove(id, out PendingEntry? entry))
        {
            return false;
        }
        entry.Consumer.Pending.Remove(id);
        _owner.AddBytes(-PendingEntryBytes);
        return true;
    }

    internal long SizeBytes()
    {
        long size = 128 + Name.Length + Pending.Count * PendingEntryBytes;
        foreach (StreamConsumer consumer in Consumers.Values)
        {
            size += ConsumerBytes + consumer.Name.Length;
        }
        return size;
    }

    internal StreamGroup CloneFor(StreamObject owner)
    {
        var copy = new StreamGroup(owner, Name, LastId, EntriesRead);
        foreach (StreamConsumer consumer in Consumers.Values)
        {
            var consumerCopy = new StreamConsumer(consumer.Name, consumer.SeenTimeMilliseconds);
            copy.Consumers.Add(consumer.Name, consumerCopy);
        }
        foreach (PendingEntry entry in Pending.Values)
        {
            StreamConsumer owner2 = copy.Consumers[entry.Consumer.Name];
            var entryCopy = new PendingEntry(entry.Id, owner2, entry.DeliveryTimeMilliseconds, entry.DeliveryCount);
            copy.Pending.Add(entry.Id, entryCopy);
            owner2.Pending.Add(entry.Id, entryCopy);
        }
        return copy;
    }
}
