package kuotahttp

import (
	"container/list"
	"sync"
	"time"
)

// limiter is one token bucket per key (an account, a client address), with
// a bounded number of keys: a map keyed by what clients send must not grow
// without end. When it holds keysMax keys, the one used least recently is
// forgotten, and comes back, if it comes back, with a full bucket. That
// forgives nothing in practice: a key idle for longest has the fullest
// bucket anyway, unless more than keysMax keys were active within one
// refill (Burst × Every), which is what keysMax must be set above.
//
// Each bucket is kept as one instant, GCRA's "theoretical arrival time"
// (the generic cell rate algorithm of ATM networks): the instant the
// bucket would be full again if nothing more came. A request at now fits
// if taking its token leaves that instant at most Burst × Every ahead of
// now. One comparison, no floating point, and a bucket is exact whatever
// the time between two requests.
//
// Time is a parameter of every method; the Handler passes Options.Now.
//
// A limiter is safe for concurrent use. One mutex guards it: a request
// holds it for a map lookup and a list move, a few hundred nanoseconds,
// far below what serving the request costs.
type limiter struct {
	every time.Duration // one token per every
	span  time.Duration // Burst × Every: how far ahead a bucket may run
	max   int           // keys kept

	mu   sync.Mutex               // guards keys and lru
	keys map[string]*list.Element // of *bucket
	lru  list.List                // of *bucket, most recently used first
}

// bucket is one key's state.
type bucket struct {
	key string
	tat time.Time // when the bucket is full again
}

func newLimiter(r Rate, keysMax int) *limiter {
	return &limiter{
		every: r.Every,
		span:  time.Duration(r.Burst) * r.Every,
		max:   keysMax,
		keys:  make(map[string]*list.Element),
	}
}

// allow takes a token of key at now, and returns 0; or, when the bucket
// is empty, takes nothing and returns how long until it holds a token.
func (l *limiter) allow(key string, now time.Time) time.Duration {
	return l.take(key, now, true)
}

// wait returns how long until key's bucket holds a token (0 if it holds
// one now), taking nothing: a check before an action whose failure is
// what costs a token.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	return l.take(key, now, false)
}

func (l *limiter) take(key string, now time.Time, take bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(l.every)
	if ahead := next.Sub(now); ahead > l.span {
		return ahead - l.span
	}
	if take {
		b.tat = next
	}
	return 0
}

// bucket returns key's bucket, made full at now if the key is new, and
// marks it most recently used. l.mu is held.
func (l *limiter) bucket(key string, now time.Time) *bucket {
	if el, ok := l.keys[key]; ok {
		l.lru.MoveToFront(el)
		return el.Value.(*bucket)
	}
	if l.lru.Len() >= l.max {
		oldest := l.lru.Back()
		delete(l.keys, oldest.Value.(*bucket).key)
		l.lru.Remove(oldest)
	}
	b := &bucket{key: key, tat: now}
	l.keys[key] = l.lru.PushFront(b)
	return b
}

// len returns the number of keys kept, for tests.
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// retryAfterSeconds returns wait as the whole seconds of a Retry-After
// header, rounded up: a client that waits that long finds a token.
func retryAfterSeconds(wait time.Duration) int64 {
	s := int64((wait + time.Second - 1) / time.Second)
	return max(s, 1)
}
