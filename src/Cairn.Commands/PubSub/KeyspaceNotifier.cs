using System.Text;
using Cairn.Commands.Config;

namespace Cairn.Commands.PubSub;

/// <summary>
/// Publishes keyspace notifications (__keyspace@db__:key and __keyevent@db__:event) for the classes enabled in
/// notify-keyspace-events. Cheap when disabled: one flag test.
/// </summary>
public sealed class KeyspaceNotifier
{
    private readonly ServerConfig _config;
    private readonly PubSubRegistry _pubSub;

    public KeyspaceNotifier(ServerConfig config, PubSubRegistry pubSub)
    {
        _config = config;
        _pubSub = pubSub;
    }

    public bool IsEnabled(KeyspaceEvents type) => (_config.NotifyFlags & type) != 0;

    public void Notify(KeyspaceEvents type, string eventName, ReadOnlySpan<byte> key, int database)
    {
        KeyspaceEvents flags = _config.NotifyFlags;
        if ((flags & type) == 0 || (flags & (KeyspaceEvents.Keyspace | KeyspaceEvents.Keyevent)) == 0)
        {
            return;
        }
        byte[] eventBytes = Encoding.ASCII.GetBytes(eventName);
        if ((flags & KeyspaceEvents.Keyspace) != 0)
        {
            byte[] prefix = Encoding.ASCII.GetBytes($"__keyspace@{database}__:");
            byte[] channel = new byte[prefix.Length + key.Length];
            prefix.CopyTo(channel, 0);
            key.CopyTo(channel.AsSpan(prefix.Length));
            _pubSub.Publish(channel, eventBytes);
        }
        if ((flags & KeyspaceEvents.Keyevent) != 0)
        {
            byte[] channel = Encoding.ASCII.GetBytes($"__keyevent@{database}__:{eventName}");
            _pubSub.Publish(channel, key);
        }
    }
}
