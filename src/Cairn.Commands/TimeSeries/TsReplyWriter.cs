using Cairn.Protocol.Resp;
using Cairn.TimeSeries.Replies;

namespace Cairn.Commands.TimeSeries;

/// <summary>Writes a <see cref="TsReply"/> tree: sample values as RESP2 simple strings (%.15g) or RESP3 doubles.</summary>
internal static class TsReplyWriter
{
    public static void Write(RespWriter writer, TsReply reply)
    {
        switch (reply.Kind)
        {
            case TsReplyKind.Integer:
                writer.WriteInteger(reply.Integer);
                break;
            case TsReplyKind.Double:
                if (writer.IsResp3)
                {
                    writer.WriteDouble(reply.Value);
                }
                else
                {
                    writer.WriteSimpleString(ValueFormatter.Format(reply.Value));
                }
                break;
            case TsReplyKind.BulkString:
                writer.WriteBulkString(reply.Bytes);
                break;
            case TsReplyKind.SimpleString:
                writer.WriteSimpleString(reply.Bytes);
                break;
            case TsReplyKind.Nil:
                writer.WriteNull();
                break;
            case TsReplyKind.Map:
                writer.WriteMapHeader(reply.Items!.Count / 2);
                foreach (TsReply item in reply.Items)
                {
                    Write(writer, item);
                }
                break;
            case TsReplyKind.Set:
                writer.WriteSetHeader(reply.Items!.Count);
                foreach (TsReply item in reply.Items)
                {
                    Write(writer, item);
                }
                break;
            default:
                writer.WriteArrayHeader(reply.Items!.Count);
                foreach (TsReply item in reply.Items)
                {
                    Write(writer, item);
                }
                break;
        }
    }
}
