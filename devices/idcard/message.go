package idcard

import (
	"context"
	"errors"
)

// Message returns a short Chinese sentence about err for the kiosk screen, or "" for nil.
// It knows the errors of this package; anything else becomes a generic request to try again.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Message()
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return m.msg
		}
	}
	return "读卡失败，请重新放置身份证"
}

var messages = []struct {
	err error
	msg string
}{
	{ErrDisconnected, "读卡器未连接，请联系工作人员"},
	{ErrClosed, "读卡器未连接，请联系工作人员"},
	{ErrTimeout, "读卡器无响应，请稍后再试"},
	{ErrChecksum, "读卡器通信错误，请重新放置身份证"},
	{ErrFrameLength, "读卡器通信错误，请重新放置身份证"},
	{ErrFrameTooLarge, "读卡器通信错误，请重新放置身份证"},
	{ErrPreamble, "读卡器通信错误，请重新放置身份证"},
	{ErrField, "无法识别证件信息，请到人工窗口办理"},
	{ErrIDNumber, "证件号码校验未通过，请到人工窗口办理"},
	{ErrInconsistent, "证件信息校验未通过，请到人工窗口办理"},
	{ErrExpired, "证件已过有效期，请使用有效证件"},
	{ErrNotYetValid, "证件尚未生效，请到人工窗口办理"},
	{context.Canceled, "操作已取消"},
	{context.DeadlineExceeded, "读卡超时，请重新放置身份证"},
}
