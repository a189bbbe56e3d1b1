using Cairn.Commands.Clients;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.PubSub;

/// <summary>
/// Channel and pattern subscriptions, and message fan-out. A message is written into each subscriber's own output buffer;
/// a subscriber past its pubsub output-buffer limit is disconnected, so one slow reader never slows anyone else.
/// Thread safety: under the store lock.
/// </summary>
public sealed class PubSubRegistry
{
    private readonly Dictionary<byte[], List<Client>> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], List<Client>> _patterns = new(ByteArrayComparer.Instance);

    public int ChannelCount => _channels.Count;

    public int PatternCount => _patterns.Count;

    public IEnumerable<byte[]> Channels => _channels.Keys;

    public long MessagesPublished { get; private set; }

    public bool Subscribe(Client client, byte[] channel) => Add(_channels, client.Channels, client, channel);

    public bool Unsubscribe(Client client, byte[] channel) => Remove(_channels, client.Channels, client, channel);

    public bool PatternSubscribe(Client client, byte[] pattern) => Add(_patterns, client.Patterns, client, pattern);

    public bool PatternUnsubscribe(Client client, byte[] pattern) => Remove(_patterns, client.Patterns, client, pattern);

    public int SubscriberCount(ReadOnlySpan<byte> channel) =>
        _channels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out List<Client>? list) ? list.Count : 0;

    /// <summary>Removes every subscription of a client that is going away.</summary>
    public void RemoveClient(Client client)
    {
        foreach (byte[] channel in client.Channels)
        {
            RemoveFromIndex(_channels, client, channel);
        }
        foreach (byte[] pattern in client.Patterns)
        {
            RemoveFromIndex(_patterns, client, pattern);
        }
        client.Channels.Clear();
        client.Patterns.Clear();
    }

    /// <summary>PUBLISH: delivers to channel subscribers, then to matching patterns; returns the number of receivers.</summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        MessagesPublished++;
        int receivers = 0;
        byte[]? channelBytes = null;
        byte[]? messageBytes = null;
        if (_channels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out List<Client>? subscribers))
        {
            channelBytes = channel.ToArray();
            messageBytes = message.ToArray();
            // Copy: a subscriber disconnected for its output limit unsubscribes while we iterate.
            foreach (Client client in subscribers.ToArray())
            {
                client.Connection.Push((channelBytes, messageBytes), static (w, s) =>
                {
                    w.WritePushHeader(3);
                    w.WriteBulkString("message"u8);
                    w.WriteBulkString(s.channelBytes);
                    w.WriteBulkString(s.messageBytes);
                });
                receivers++;
            }
        }
        if (_patterns.Count > 0)
        {
            foreach (KeyValuePair<byte[], List<Client>> pair in _patterns.ToArray())
            {
                if (!GlobPattern.IsMatch(pair.Key, channel))
                {
                    continue;
                }
                channelBytes ??= channel.ToArray();
                messageBytes ??= message.ToArray();
                foreach (Client client in pair.Value.ToArray())
                {
                    client.Connection.Push((pair.Key, channelBytes, messageBytes), static (w, s) =>
                    {
                        w.WritePushHeader(4);
                        w.WriteBulkString("pmessage"u8);
                        w.WriteBulkString(s.Key);
                        w.WriteBulkString(s.channelBytes);
                        w.WriteBulkString(s.messageBytes);
                    });
                    receivers++;
                }
            }
        }
        return receivers;
    }

    private static bool Add(Dictionary<byte[], List<Client>> index, HashSet<byte[]> own, Client client, byte[] name)
    {
        if (!own.Add(name))
        {
            return false;
        }
        if (!index.TryGetValue(name, out List<Client>? list))
        {
            list = [];
            index.Add(name, list);
        }
        list.Add(client);
        return true;
    }

    private static bool Remove(Dictionary<byte[], List<Client>> index, HashSet<byte[]> own, Client client, byte[] name)
    {
        if (!own.Remove(name))
        {
            return false;
        }
        RemoveFromIndex(index, client, name);
        return true;
    }

    private static void RemoveFromIndex(Dictionary<byte[], List<Client>> index, Client client, byte[] name)
    {
        if (index.TryGetValue(name, out List<Client>? list))
        {
            list.Remove(client);
            if (list.Count == 0)
            {
                index.Remove(name);
            }
        }
    }
}
