using System.Globalization;
using System.Text;
using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Connection;

/// <summary>CLIENT subcommands.</summary>
internal static class ClientCommands
{
    [Command("CLIENT|ID")]
    public static void Id(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Client.Id);

    [Command("CLIENT|SETNAME")]
    public static void SetName(CommandContext ctx)
    {
        string name = ctx.ArgString(2);
        if (!IsValidName(name))
        {
            ctx.Error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        ctx.Client.Name = name.Length == 0 ? null : name;
        ctx.Reply.WriteOk();
    }

    /// <summary>Names are printable ASCII without spaces (Redis's validateClientName).</summary>
    public static bool IsValidName(string name)
    {
        foreach (char c in name)
        {
            if (c < '!' || c > '~')
            {
                return false;
            }
        }
        return true;
    }

    [Command("CLIENT|GETNAME")]
    public static void GetName(CommandContext ctx)
    {
        if (ctx.Client.Name is null)
        {
            ctx.Reply.WriteNull();
        }
        else
        {
            ctx.Reply.WriteBulkString(ctx.Client.Name);
        }
    }

    [Command("CLIENT|LIST")]
    public static void List(CommandContext ctx)
    {
        HashSet<long>? ids = null;
        string? type = null;
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            if (ctx.ArgIs(i, "TYPE"u8) && i + 1 < ctx.ArgumentCount)
            {
                type = ctx.ArgString(++i).ToLowerInvariant();
                if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
                {
                    ctx.Error($"ERR Unknown client type '{type}'");
                    return;
                }
            }
            else if (ctx.ArgIs(i, "ID"u8) && i + 1 < ctx.ArgumentCount)
            {
                ids = [];
                for (i++; i < ctx.ArgumentCount; i++)
                {
                    if (!NumberFormat.TryParseInt64(ctx.Arg(i), out long id) || id <= 0)
                    {
                        ctx.Error("ERR Invalid client ID");
                        return;
                    }
                    ids.Add(id);
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var text = new StringBuilder();
        foreach (Client client in ctx.Server.Clients.All)
        {
            if (ids is not null && !ids.Contains(client.Id))
            {
                continue;
            }
            if (type is not null && ClassOf(client) != type)
            {
                continue;
            }
            AppendInfo(text, ctx, client);
            text.Append('\n');
        }
        ctx.Reply.WriteVerbatimString(text.ToString());
    }

    private static string ClassOf(Client client) => client.SubscriptionCount > 0 ? "pubsub" : "normal";

    [Command("CLIENT|INFO")]
    public static void Info(CommandContext ctx)
    {
        var text = new StringBuilder();
        AppendInfo(text, ctx, ctx.Client);
        text.Append('\n');
        ctx.Reply.WriteVerbatimString(text.ToString());
    }

    private static void AppendInfo(StringBuilder text, CommandContext ctx, Client client)
    {
        long now = ctx.Now;
        text.Append(CultureInfo.InvariantCulture,
            $"id={client.Id} addr={client.Connection.RemoteAddress} laddr={client.Connection.LocalAddress} fd=8 name={client.Name} " +
            $"age={(now - client.CreatedAtMilliseconds) / 1000} idle={(now - client.LastInteractionMilliseconds) / 1000} flags={client.Flags()} " +
            $"db={client.DatabaseIndex} sub={client.Channels.Count} psub={client.Patterns.Count} ssub=0 " +
            $"multi={(client.InMulti ? client.Queue.Count : -1)} qbuf={client.Connection.QueryBufferBytes} qbuf-free=0 argv-mem=0 multi-mem=0 " +
            $"rbs=16384 rbp=0 obl=0 oll=0 omem={client.Connection.PendingOutputBytes} tot-mem={client.Connection.PendingOutputBytes + 16384} " +
            $"events=r cmd={(client == ctx.Client ? ctx.Spec.FullName : client.LastCommand)} user={client.User} redir=-1 resp={(int)client.Protocol} " +
            $"lib-name={client.LibraryName} lib-ver={client.LibraryVersion}");
    }

    [Command("CLIENT|KILL")]
    public static void Kill(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 3)
        {
            // Old form: CLIENT KILL addr:port.
            string address = ctx.ArgString(2);
            Client? target = ctx.Server.Clients.All.FirstOrDefault(c => c.Connection.RemoteAddress == address);
            if (target is null)
            {
                ctx.Error("ERR No such client");
                return;
            }
            CloseClient(ctx, target);
            ctx.Reply.WriteOk();
            return;
        }
        long? id = null;
        string? type = null, address2 = null, localAddress = null, user = null;
        long? maxAge = null;
        bool skipMe = true;
        if ((ctx.ArgumentCount - 2) % 2 != 0)
        {
            ctx.SyntaxError();
            return;
        }
        for (int i = 2; i + 1 < ctx.ArgumentCount; i += 2)
        {
            string value = ctx.ArgString(i + 1);
            if (ctx.ArgIs(i, "ID"u8))
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(i + 1), out long parsed) || parsed <= 0)
                {
                    ctx.Error("ERR client-id should be greater than 0");
                    return;
                }
                id = parsed;
            }
            else if (ctx.ArgIs(i, "TYPE"u8))
            {
                type = value.ToLowerInvariant();
                if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
                {
                    ctx.Error($"ERR Unknown client type '{value}'");
                    return;
                }
            }
            else if (ctx.ArgIs(i, "ADDR"u8))
            {
                address2 = value;
            }
            else if (ctx.ArgIs(i, "LADDR"u8))
            {
                localAddress = value;
            }
            else if (ctx.ArgIs(i, "USER"u8))
            {
                user = value;
            }
            else if (ctx.ArgIs(i, "SKIPME"u8))
            {
                if (value.Equals("yes", StringComparison.OrdinalIgnoreCase))
                {
                    skipMe = true;
                }
                else if (value.Equals("no", StringComparison.OrdinalIgnoreCase))
                {
                    skipMe = false;
                }
                else
                {
                    ctx.SyntaxError();
                    return;
                }
            }
            else if (ctx.ArgIs(i, "MAXAGE"u8))
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(i + 1), out long age))
                {
                    ctx.NotInteger();
                    return;
                }
                maxAge = age;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        int killed = 0;
        foreach (Client client in ctx.Server.Clients.All.ToArray())
        {
            if ((id is not null && client.Id != id) || (type is not null && ClassOf(client) != type && !(type == "normal" && ClassOf(client) == "normal"))
                || (address2 is not null && client.Connection.RemoteAddress != address2)
                || (localAddress is not null && client.Connection.LocalAddress != localAddress)
                || (user is not null && client.User != user)
                || (maxAge is not null && (ctx.Now - client.CreatedAtMilliseconds) / 1000 < maxAge)
                || (skipMe && client == ctx.Client))
            {
                continue;
            }
            CloseClient(ctx, client);
            killed++;
        }
        ctx.Reply.WriteInteger(killed);
    }

    private static void CloseClient(CommandContext ctx, Client target)
    {
        if (target == ctx.Client)
        {
            ctx.CloseAfterReply = true;
        }
        else
        {
            target.Connection.Close(afterReply: false);
        }
    }

    [Command("CLIENT|SETINFO")]
    public static void SetInfo(CommandContext ctx)
    {
        string value = ctx.ArgString(3);
        if (ctx.ArgIs(2, "LIB-NAME"u8))
        {
            if (!IsValidName(value))
            {
                ctx.Error("ERR lib-name cannot contain spaces, newlines or special characters.");
                return;
            }
            ctx.Client.LibraryName = value;
        }
        else if (ctx.ArgIs(2, "LIB-VER"u8))
        {
            if (!IsValidName(value))
            {
                ctx.Error("ERR lib-ver cannot contain spaces, newlines or special characters.");
                return;
            }
            ctx.Client.LibraryVersion = value;
        }
        else
        {
            ctx.Error($"ERR Unrecognized option '{ctx.ArgString(2)}'");
            return;
        }
        ctx.Reply.WriteOk();
    }

    [Command("CLIENT|REPLY")]
    public static void ReplyCommand(CommandContext ctx)
    {
        if (ctx.ArgIs(2, "ON"u8))
        {
            ctx.Client.ReplyMode = ReplyMode.On;
            ctx.Reply.WriteOk();
        }
        else if (ctx.ArgIs(2, "OFF"u8))
        {
            ctx.Client.ReplyMode = ReplyMode.Off;
        }
        else if (ctx.ArgIs(2, "SKIP"u8))
        {
            if (ctx.Client.ReplyMode != ReplyMode.Off)
            {
                ctx.Client.ReplyMode = ReplyMode.SkipNext;
            }
        }
        else
        {
            ctx.SyntaxError();
        }
    }

    [Command("CLIENT|PAUSE")]
    public static void Pause(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(2), out long milliseconds) || milliseconds < 0)
        {
            ctx.Error("ERR timeout is not an integer or out of range");
            return;
        }
        bool writesOnly = false;
        if (ctx.ArgumentCount == 4)
        {
            if (ctx.ArgIs(3, "WRITE"u8))
            {
                writesOnly = true;
            }
            else if (!ctx.ArgIs(3, "ALL"u8))
            {
                ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        else if (ctx.ArgumentCount > 4)
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Server.PausedUntilMilliseconds = Math.Max(ctx.Server.PausedUntilMilliseconds, ctx.Now + milliseconds);
        ctx.Server.PauseWritesOnly = writesOnly;
        ctx.Reply.WriteOk();
    }

    [Command("CLIENT|UNPAUSE")]
    public static void Unpause(CommandContext ctx)
    {
        ctx.Server.PausedUntilMilliseconds = 0;
        ctx.Reply.WriteOk();
    }

    [Command("CLIENT|NO-EVICT")]
    public static void NoEvict(CommandContext ctx) => SetSwitch(ctx, v => ctx.Client.NoEvict = v);

    [Command("CLIENT|NO-TOUCH")]
    public static void NoTouch(CommandContext ctx) => SetSwitch(ctx, v => ctx.Client.NoTouch = v);

    private static void SetSwitch(CommandContext ctx, Action<bool> set)
    {
        if (ctx.ArgIs(2, "ON"u8))
        {
            set(true);
        }
        else if (ctx.ArgIs(2, "OFF"u8))
        {
            set(false);
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Reply.WriteOk();
    }

    [Command("CLIENT|UNBLOCK")]
    public static void Unblock(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(2), out long id))
        {
            ctx.NotInteger();
            return;
        }
        bool withError = false;
        if (ctx.ArgumentCount == 4)
        {
            if (ctx.ArgIs(3, "ERROR"u8))
            {
                withError = true;
            }
            else if (!ctx.ArgIs(3, "TIMEOUT"u8))
            {
                ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        else if (ctx.ArgumentCount > 4)
        {
            ctx.SyntaxError();
            return;
        }
        Client? target = ctx.Server.Clients.Find(id);
        if (target?.Blocked is not { IsDone: false } block)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Server.Blocking.Unregister(block);
        target.Connection.Push((withError, block.TimeoutReply), static (w, s) =>
        {
            if (s.withError)
            {
                w.WriteError("UNBLOCKED client unblocked via CLIENT UNBLOCK");
            }
            else if (s.TimeoutReply == TimeoutReply.NullBulk)
            {
                w.WriteNull();
            }
            else
            {
                w.WriteNullArray();
            }
        });
        block.Completion.TrySetResult(false);
        ctx.Reply.WriteInteger(1);
    }

    [Command("CLIENT|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "CLIENT",
    [
        "CACHING (YES|NO)", "GETNAME", "ID", "INFO", "KILL <ip:port>", "KILL <option> <value> [<option> <value> [...]]",
        "LIST [options ...]", "UNPAUSE", "PAUSE <timeout> [WRITE|ALL]", "REPLY (ON|OFF|SKIP)", "SETNAME <name>",
        "SETINFO <option> <value>", "UNBLOCK <clientid> [TIMEOUT|ERROR]", "NO-EVICT (ON|OFF)", "NO-TOUCH (ON|OFF)",
    ]);
}
