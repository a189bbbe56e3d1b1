using Cairn.Commands.Execution;
using Cairn.Documents.Operations;

namespace Cairn.Commands.Json;

/// <summary>Writes a library <see cref="JsonReply"/> as exactly one RESP reply (RESP2 or RESP3 by the client's protocol).</summary>
internal static class JsonReplyWriter
{
    public static void Write(CommandContext ctx, JsonReply reply)
    {
        if (reply.Kind == JsonReplyKind.Error)
        {
            ctx.Error(reply.Text);
            return;
        }
        WriteValue(ctx, reply);
    }

    private static void WriteValue(CommandContext ctx, JsonReply reply)
    {
        switch (reply.Kind)
        {
            case JsonReplyKind.Null:
                ctx.Reply.WriteNull();
                break;
            case JsonReplyKind.Ok:
                ctx.Reply.WriteOk();
                break;
            case JsonReplyKind.Integer:
                ctx.Reply.WriteInteger(reply.Integer);
                break;
            case JsonReplyKind.Double:
                ctx.Reply.WriteDouble(reply.Double);
                break;
            case JsonReplyKind.BulkString:
                ctx.Reply.WriteBulkString(reply.Bytes);
                break;
            case JsonReplyKind.SimpleString:
                ctx.Reply.WriteSimpleString(reply.Text);
                break;
            case JsonReplyKind.Error:
                ctx.Reply.WriteError(reply.Text); // an element of an array reply: counted once by the caller, as Redis does not count it
                break;
            case JsonReplyKind.Boolean:
                ctx.Reply.WriteBoolean(reply.Integer != 0);
                break;
            case JsonReplyKind.Map:
                ctx.Reply.WriteMapHeader(reply.Items.Count / 2); // RESP2: a flat name/value array
                foreach (JsonReply item in reply.Items)
                {
                    WriteValue(ctx, item);
                }
                break;
            case JsonReplyKind.Set:
                ctx.Reply.WriteSetHeader(reply.Items.Count);
                foreach (JsonReply item in reply.Items)
                {
                    WriteValue(ctx, item);
                }
                break;
            default:
                ctx.Reply.WriteArrayHeader(reply.Items.Count);
                foreach (JsonReply item in reply.Items)
                {
                    WriteValue(ctx, item);
                }
                break;
        }
    }
}
