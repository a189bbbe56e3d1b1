namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// A log that makes writes durable in the background (the AOF writer, the LSM's group fsync). Under appendfsync always a
/// write gets a ticket (a position in the log) and its reply leaves only once the gate says that ticket is durable, so
/// many clients share one fsync. Tickets only grow. Thread safety: callable from any thread.
/// </summary>
public interface IDurabilityGate
{
    bool IsDurable(long ticket);

    /// <summary>Completes once <paramref name="ticket"/> is durable (possibly inline, on the gate's own thread).</summary>
    Task WaitDurableAsync(long ticket);
}
