namespace Cairn.Engine.Memory.Streams;

/// <summary>An entry delivered to a consumer of a group and not yet acknowledged (Redis's streamNACK).</summary>
public sealed class PendingEntry
{
    public PendingEntry(StreamId id, StreamConsumer consumer, long deliveryTimeMilliseconds, long deliveryCount)
    {
        Id = id;
        Consumer = consumer;
        DeliveryTimeMilliseconds = deliveryTimeMilliseconds;
        DeliveryCount = deliveryCount;
    }

    public StreamId Id { get; }

    public StreamConsumer Consumer { get; internal set; }

    public long DeliveryTimeMilliseconds { get; set; }

    public long DeliveryCount { get; set; }
}
