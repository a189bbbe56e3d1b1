using System.Text;
using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Commands.Transactions;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Connection;

/// <summary>PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT.</summary>
internal static class ConnectionCommands
{
    [Command("PING")]
    public static void Ping(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 2)
        {
            ctx.WrongArgumentCount();
            return;
        }
        if (ctx.Client.InSubscribedContext)
        {
            // In RESP2 subscribed mode PING answers with a push-style array, as Redis does.
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString("pong"u8);
            ctx.Reply.WriteBulkString(ctx.ArgumentCount == 2 ? ctx.Arg(1) : []);
            return;
        }
        if (ctx.ArgumentCount == 2)
        {
            ctx.Reply.WriteBulkString(ctx.Arg(1));
        }
        else
        {
            ctx.Reply.WriteRaw("+PONG\r\n"u8);
        }
    }

    [Command("ECHO")]
    public static void Echo(CommandContext ctx) => ctx.Reply.WriteBulkString(ctx.Arg(1));

    [Command("QUIT")]
    public static void Quit(CommandContext ctx)
    {
        ctx.Reply.WriteOk();
        ctx.CloseAfterReply = true;
    }

    [Command("RESET")]
    public static void Reset(CommandContext ctx)
    {
        Client client = ctx.Client;
        TransactionState.Discard(ctx);
        TransactionState.UnwatchAll(ctx);
        ctx.Server.PubSub.RemoveClient(client);
        ctx.Server.Monitors.Remove(client);
        client.IsMonitor = false;
        client.DatabaseIndex = 0;
        client.Protocol = RespVersion.Resp2;
        ctx.Reply.Version = RespVersion.Resp2;
        client.ReplyMode = ReplyMode.On;
        client.NoEvict = false;
        client.NoTouch = false;
        client.Name = null;
        client.Authenticated = ctx.Server.Config.RequirePass.Length == 0;
        ctx.Reply.WriteSimpleString("RESET"u8);
    }

    [Command("AUTH")]
    public static void Auth(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        string password = ctx.ArgString(ctx.ArgumentCount - 1);
        string user = ctx.ArgumentCount == 3 ? ctx.ArgString(1) : "default";
        string required = ctx.Server.Config.RequirePass;
        if (required.Length == 0 && ctx.ArgumentCount == 2)
        {
            ctx.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        if (TryAuthenticate(ctx, user, password))
        {
            ctx.Reply.WriteOk();
        }
        else
        {
            ctx.Error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    private static bool TryAuthenticate(CommandContext ctx, string user, string password)
    {
        string required = ctx.Server.Config.RequirePass;
        bool ok = user == "default" && (required.Length == 0 || CryptographicEquals(required, password));
        if (ok)
        {
            ctx.Client.Authenticated = true;
            ctx.Client.User = user;
        }
        return ok;
    }

    private static bool CryptographicEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    [Command("HELLO")]
    public static void Hello(CommandContext ctx)
    {
        RespVersion version = ctx.Client.Protocol;
        int next = 1;
        if (ctx.ArgumentCount >= 2)
        {
            if (!NumberFormat.TryParseInt64(ctx.Arg(1), out long requested))
            {
                ctx.Error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (requested is < 2 or > 3)
            {
                ctx.Error("NOPROTO unsupported protocol version");
                return;
            }
            version = (RespVersion)requested;
            next = 2;
        }
        string? name = null;
        (string User, string Password)? auth = null;
        for (int i = next; i < ctx.ArgumentCount; i++)
        {
            int remaining = ctx.ArgumentCount - i - 1;
            if (ctx.ArgIs(i, "AUTH"u8) && remaining >= 2)
            {
                auth = (ctx.ArgString(i + 1), ctx.ArgString(i + 2));
                i += 2;
            }
            else if (ctx.ArgIs(i, "SETNAME"u8) && remaining >= 1)
            {
                name = ctx.ArgString(i + 1);
                i += 1;
            }
            else
            {
                ctx.Error($"ERR Syntax error in HELLO option '{ctx.ArgString(i)}'");
                return;
            }
        }
        if (auth is { } credentials && !TryAuthenticate(ctx, credentials.User, credentials.Password))
        {
            ctx.Error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        if (!ctx.Client.Authenticated)
        {
            ctx.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name is not null)
        {
            if (!ClientCommands.IsValidName(name))
            {
                ctx.Error("ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
            ctx.Client.Name = name.Length == 0 ? null : name;
        }
        ctx.Client.Protocol = version;
        ctx.Reply.Version = version;
        RespWriter w = ctx.Reply;
        w.WriteMapHeader(7);
        w.WriteBulkString("server"u8);
        w.WriteBulkString("redis"u8);
        w.WriteBulkString("version"u8);
        w.WriteBulkString(ctx.Server.Version);
        w.WriteBulkString("proto"u8);
        w.WriteInteger((int)version);
        w.WriteBulkString("id"u8);
        w.WriteInteger(ctx.Client.Id);
        w.WriteBulkString("mode"u8);
        w.WriteBulkString("standalone"u8);
        w.WriteBulkString("role"u8);
        w.WriteBulkString("master"u8);
        w.WriteBulkString("modules"u8);
        w.WriteEmptyArray();
    }

    [Command("SELECT")]
    public static void Select(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(1), out long index))
        {
            ctx.NotInteger();
            return;
        }
        if (index < 0 || index >= ctx.Store.DatabaseCount)
        {
            ctx.Error("ERR DB index is out of range");
            return;
        }
        ctx.Client.DatabaseIndex = (int)index;
        ctx.Reply.WriteOk();
    }
}
