namespace Cairn.Commands.Execution;

/// <summary>The slow log: newest first, bounded by slowlog-max-len. Thread safety: under the store lock.</summary>
public sealed class SlowLog
{
    private const int MaxArguments = 32;
    private const int MaxArgumentBytes = 128;
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public int Count => _entries.Count;

    public IEnumerable<SlowLogEntry> Entries => _entries;

    public void Add(Cairn.Protocol.Resp.CommandArguments arguments, long microseconds, long unixSeconds, string address, string name, int maxLength)
    {
        if (maxLength <= 0)
        {
            return;
        }
        int count = Math.Min(arguments.Count, MaxArguments);
        var copy = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (i == MaxArguments - 1 && arguments.Count > MaxArguments)
            {
                copy[i] = System.Text.Encoding.ASCII.GetBytes($"... ({arguments.Count - MaxArguments + 1} more arguments)");
                break;
            }
            ReadOnlySpan<byte> argument = arguments[i];
            copy[i] = argument.Length > MaxArgumentBytes
                ? [.. argument[..MaxArgumentBytes], .. System.Text.Encoding.ASCII.GetBytes($"... ({argument.Length - MaxArgumentBytes} more bytes)")]
                : argument.ToArray();
        }
        _entries.AddFirst(new SlowLogEntry(_nextId++, unixSeconds, microseconds, copy, address, name));
        while (_entries.Count > maxLength)
        {
            _entries.RemoveLast();
        }
    }

    public void Reset() => _entries.Clear();
}
