//! Amounts kept per payment method, named by method rather than by position.
use super::ticket::PaymentMethod;
use std::ops::{AddAssign, Index, IndexMut};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ByMethod<T> {
    pub cash: T,
    pub card: T,
    pub mobile: T,
    pub other: T,
}

impl<T: Copy> ByMethod<T> {
    /// The amounts with their method, in `PaymentMethod::ALL` order (the order of columns and of paper).
    pub fn iter(&self) -> impl Iterator<Item = (PaymentMethod, T)> + '_ {
        PaymentMethod::ALL.into_iter().map(|m| (m, self[m]))
    }

    pub fn map<U>(self, f: impl Fn(T) -> U) -> ByMethod<U> {
        ByMethod {
            cash: f(self.cash),
            card: f(self.card),
            mobile: f(self.mobile),
            other: f(self.other),
        }
    }

    /// Reads each method's amount with `f` (a row's column, a stored figure).
    pub fn try_from_fn<E>(mut f: impl FnMut(PaymentMethod) -> Result<T, E>) -> Result<Self, E> {
        Ok(ByMethod {
            cash: f(PaymentMethod::Cash)?,
            card: f(PaymentMethod::Card)?,
            mobile: f(PaymentMethod::Mobile)?,
            other: f(PaymentMethod::Other)?,
        })
    }
}

impl<T> Index<PaymentMethod> for ByMethod<T> {
    type Output = T;
    fn index(&self, m: PaymentMethod) -> &T {
        match m {
            PaymentMethod::Cash => &self.cash,
            PaymentMethod::Card => &self.card,
            PaymentMethod::Mobile => &self.mobile,
            PaymentMethod::Other => &self.other,
        }
    }
}

impl<T> IndexMut<PaymentMethod> for ByMethod<T> {
    fn index_mut(&mut self, m: PaymentMethod) -> &mut T {
        match m {
            PaymentMethod::Cash => &mut self.cash,
            PaymentMethod::Card => &mut self.card,
            PaymentMethod::Mobile => &mut self.mobile,
            PaymentMethod::Other => &mut self.other,
        }
    }
}

impl<T: AddAssign + Copy> AddAssign for ByMethod<T> {
    fn add_assign(&mut self, rhs: Self) {
        for m in PaymentMethod::ALL {
            self[m] += rhs[m];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_has_its_own_slot_in_paper_order() {
        let mut b = ByMethod::<i64>::default();
        b[PaymentMethod::Mobile] += 5;
        b += ByMethod {
            cash: 1,
            card: 2,
            mobile: 3,
            other: 4,
        };
        assert_eq!(b.mobile, 8);
        let order: Vec<(PaymentMethod, i64)> = b.iter().collect();
        assert_eq!(
            order,
            [
                (PaymentMethod::Cash, 1),
                (PaymentMethod::Card, 2),
                (PaymentMethod::Mobile, 8),
                (PaymentMethod::Other, 4)
            ]
        );
        assert_eq!(b.map(|v| -v).card, -2);
    }
}
