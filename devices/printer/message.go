package printer

import (
	"errors"

	"fengqiao/devices/serialport"
)

// ScreenText returns the Chinese text for the kiosk's screen and the staff alert for a
// printer error, or "" for nil.
func ScreenText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrCUPSDown):
		return "打印服务未运行"
	case errors.Is(err, ErrPaperOut):
		return "打印纸已用完"
	case errors.Is(err, serialport.ErrInUse):
		return "打印机被其他程序占用"
	case errors.Is(err, ErrQueueDisabled):
		return "打印队列已停用"
	case errors.Is(err, ErrDropped):
		return "打印机连接中断，小票可能未打完"
	case errors.Is(err, ErrStalled), errors.Is(err, ErrNoReply):
		return "打印机无响应"
	case IsUnreachable(err):
		return "打印机未连接"
	}
	return "打印失败"
}
