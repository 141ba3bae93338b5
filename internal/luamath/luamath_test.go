package luamath

import (
	"math"
	"strconv"
	"testing"
)

// The expected values are lua5.4's (glibc's pow and fmod), printed with
// %.17g; NaN signs as x86 gives them.
func TestPowAndMod(t *testing.T) {
	negNaN := InvalidNaN
	tests := []struct {
		name string
		got  float64
		want string
	}{
		{"1.0000001^1e8 (integral exponent, large)", Pow(1.0000001, 1e8), "22026.454910182532"},
		{"5^85", Pow(5, 85), "2.5849394142282115e+59"},
		{"(-58)^(-67)", Pow(-58, -67), "-7.0847483915944384e-119"},
		{"1e308^0.8 (log near the top of the range)", Pow(1e308, 0.8), "2.5118864315096592e+246"},
		{"0.3^7.7", Pow(0.3, 7.7), "9.4152891348660574e-05"},
		{"100^1.5", Pow(100, 1.5), "1000"},
		{"(-inf)^0.5", Pow(math.Inf(-1), 0.5), "+Inf"},
		{"(-inf)^-0.8", Pow(math.Inf(-1), -0.8), "0"},
		{"(-inf)^3", Pow(math.Inf(-1), 3), "-Inf"},
		{"(-8)^(1/3)", Pow(-8, 1.0/3), "-NaN"},
		{"64 % nan keeps the NaN's sign", Mod(64, negNaN), "-NaN"},
		{"nan % 2 keeps the NaN's sign", Mod(negNaN, 2), "-NaN"},
		{"5.5 % -2", Mod(5.5, -2), "-0.5"},
		{"-5.5 % 2", Mod(-5.5, 2), "0.5"},
		{"5 % -inf", Mod(5, math.Inf(-1)), "-Inf"},
		{"inf % 2", Mod(math.Inf(1), 2), "-NaN"},
	}
	for _, tt := range tests {
		got := strconv.FormatFloat(tt.got, 'g', 17, 64)
		if math.IsNaN(tt.got) {
			got = "NaN"
			if math.Signbit(tt.got) {
				got = "-NaN"
			}
		}
		if got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestIntegerOps(t *testing.T) {
	const minInt = math.MinInt64
	tests := []struct {
		name string
		got  int64
		want int64
	}{
		{"7 % 3", IMod(7, 3), 1},
		{"-7 % 3", IMod(-7, 3), 2},
		{"7 % -3", IMod(7, -3), -2},
		{"minint % -1", IMod(minInt, -1), 0},
		{"7 // 2", IDiv(7, 2), 3},
		{"-7 // 2", IDiv(-7, 2), -4},
		{"7 // -2", IDiv(7, -2), -4},
		{"minint // -1", IDiv(minInt, -1), minInt},
		{"1 << 63", ShiftLeft(1, 63), minInt},
		{"1 << 64", ShiftLeft(1, 64), 0},
		{"-1 >> 1", ShiftLeft(-1, -1), math.MaxInt64},
		{"-1 >> 64", ShiftLeft(-1, -64), 0},
		{"-1 << -63", ShiftLeft(-1, -63), 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}
