using System.Text;

namespace Cairn.Commands.PubSub;

/// <summary>Parses and formats notify-keyspace-events strings as Redis's keyspaceEventsStringToFlags / FlagsToString.</summary>
public static class KeyspaceEventFlags
{
    public static bool TryParse(string text, out KeyspaceEvents flags)
    {
        flags = KeyspaceEvents.None;
        foreach (char c in text)
        {
            KeyspaceEvents flag = c switch
            {
                'A' => KeyspaceEvents.All,
                'g' => KeyspaceEvents.Generic,
                '$' => KeyspaceEvents.String,
                'l' => KeyspaceEvents.List,
                's' => KeyspaceEvents.Set,
                'h' => KeyspaceEvents.Hash,
                'z' => KeyspaceEvents.SortedSet,
                'x' => KeyspaceEvents.Expired,
                'e' => KeyspaceEvents.Evicted,
                'K' => KeyspaceEvents.Keyspace,
                'E' => KeyspaceEvents.Keyevent,
                't' => KeyspaceEvents.Stream,
                'm' => KeyspaceEvents.KeyMiss,
                'd' => KeyspaceEvents.Module,
                'n' => KeyspaceEvents.New,
                _ => (KeyspaceEvents)(-1),
            };
            if ((int)flag == -1)
            {
                flags = KeyspaceEvents.None;
                return false;
            }
            flags |= flag;
        }
        return true;
    }

    public static string Format(KeyspaceEvents flags)
    {
        var text = new StringBuilder();
        if ((flags & KeyspaceEvents.All) == KeyspaceEvents.All)
        {
            text.Append('A');
        }
        else
        {
            Append(text, flags, KeyspaceEvents.Generic, 'g');
            Append(text, flags, KeyspaceEvents.String, '$');
            Append(text, flags, KeyspaceEvents.List, 'l');
            Append(text, flags, KeyspaceEvents.Set, 's');
            Append(text, flags, KeyspaceEvents.Hash, 'h');
            Append(text, flags, KeyspaceEvents.SortedSet, 'z');
            Append(text, flags, KeyspaceEvents.Expired, 'x');
            Append(text, flags, KeyspaceEvents.Evicted, 'e');
            Append(text, flags, KeyspaceEvents.Stream, 't');
            Append(text, flags, KeyspaceEvents.Module, 'd');
        }
        Append(text, flags, KeyspaceEvents.Keyspace, 'K');
        Append(text, flags, KeyspaceEvents.Keyevent, 'E');
        Append(text, flags, KeyspaceEvents.KeyMiss, 'm');
        Append(text, flags, KeyspaceEvents.New, 'n');
        return text.ToString();
    }

    private static void Append(StringBuilder text, KeyspaceEvents flags, KeyspaceEvents flag, char c)
    {
        if ((flags & flag) != 0)
        {
            text.Append(c);
        }
    }
}
